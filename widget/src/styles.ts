/** The widget's styles, inside its shadow root: the host page's CSS does not reach in, nor ours out. */
export const STYLES = `
:host { all: initial; }
* { box-sizing: border-box; }
.root { position: fixed; right: 20px; bottom: 20px; z-index: 2147483000; font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2328; }
.launcher { width: 56px; height: 56px; border-radius: 50%; border: 0; background: #2563eb; color: #fff; font-size: 26px; cursor: pointer; box-shadow: 0 4px 14px rgba(0,0,0,.25); float: right; }
.launcher:focus-visible, button:focus-visible, input:focus-visible, textarea:focus-visible { outline: 2px solid #1d4ed8; outline-offset: 2px; }
.panel { display: none; flex-direction: column; width: min(370px, calc(100vw - 40px)); height: min(580px, calc(100vh - 110px)); margin-bottom: 12px; background: #fff; border-radius: 14px; box-shadow: 0 8px 30px rgba(0,0,0,.25); overflow: hidden; }
.root.open .panel { display: flex; }
.header { display: flex; align-items: center; gap: 8px; padding: 12px 14px; background: #2563eb; color: #fff; font-weight: 600; }
.header .title { flex: 1; }
.header button { background: transparent; border: 0; color: #fff; font-size: 20px; cursor: pointer; line-height: 1; }
.log { flex: 1; overflow-y: auto; padding: 12px; display: flex; flex-direction: column; gap: 6px; background: #f6f8fa; }
.msg { max-width: 85%; padding: 8px 11px; border-radius: 12px; word-wrap: break-word; overflow-wrap: anywhere; }
.msg p { margin: 0; }
.msg p + p { margin-top: 6px; }
.msg code { background: rgba(0,0,0,.07); padding: 0 3px; border-radius: 3px; font-family: ui-monospace, monospace; }
.msg a { color: inherit; }
.msg img { display: block; max-width: 100%; border-radius: 8px; }
.bot, .agent { align-self: flex-start; background: #fff; border: 1px solid #e5e7eb; }
.visitor { align-self: flex-end; background: #2563eb; color: #fff; }
.sender { display: block; font-size: 12px; font-weight: 600; color: #57606a; margin-bottom: 2px; }
.system { align-self: center; font-size: 12px; color: #57606a; background: transparent; text-align: center; }
.typing { padding: 0 12px 6px; font-size: 12px; color: #57606a; min-height: 18px; background: #f6f8fa; }
.dots span { display: inline-block; width: 6px; height: 6px; margin-right: 3px; border-radius: 50%; background: #8c959f; animation: blink 1.2s infinite both; }
.dots span:nth-child(2) { animation-delay: .2s; } .dots span:nth-child(3) { animation-delay: .4s; }
@keyframes blink { 0%, 80%, 100% { opacity: .2; } 40% { opacity: 1; } }
.error { margin: 0 12px 8px; padding: 6px 10px; border-radius: 8px; background: #fde8e8; color: #9b1c1c; font-size: 13px; }
.error:empty { display: none; }
.composer { border-top: 1px solid #e5e7eb; padding: 10px; display: flex; flex-direction: column; gap: 8px; }
.row { display: flex; gap: 8px; align-items: center; }
.row input, .row textarea { flex: 1; min-width: 0; padding: 8px 10px; border: 1px solid #d0d7de; border-radius: 8px; font: inherit; }
.row textarea { resize: vertical; min-height: 38px; }
.send, .choice, .rating button, .restart { padding: 8px 12px; border-radius: 8px; border: 1px solid #2563eb; background: #2563eb; color: #fff; cursor: pointer; font: inherit; }
.send:disabled { opacity: .6; cursor: default; }
.choices { display: flex; flex-wrap: wrap; gap: 6px; }
.choice { background: #fff; color: #2563eb; }
.choice[aria-pressed="true"] { background: #2563eb; color: #fff; }
.choice img { display: block; max-width: 120px; border-radius: 6px; margin-bottom: 4px; }
.rating { display: flex; flex-wrap: wrap; gap: 4px; align-items: center; }
.rating button { background: #fff; color: #2563eb; min-width: 34px; padding: 6px 8px; }
.rating button[aria-pressed="true"] { background: #2563eb; color: #fff; }
.rating .label { font-size: 12px; color: #57606a; }
.note { font-size: 13px; color: #57606a; text-align: center; }
`;

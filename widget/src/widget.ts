import { ApiError, ChatApi } from './api';
import { LiveConnection } from './live';
import { link, renderMarkdown, safeUrl } from './markdown';
import {
  asBotMessage,
  isObject,
  type Action,
  type BotMessage,
  type Choice,
  type ConversationUpdate,
  type Input,
  type MessageView,
  type PictureChoice,
  type Reply,
  type SessionStatus,
  type TranscriptEntry,
  type Turn,
  type TypingEvent,
} from './protocol';
import { SessionStore, type StoredSession } from './store';
import { STYLES } from './styles';

export interface WidgetOptions {
  /** The bot's public id (`data-bot`). */
  publicId: string;
  /** Origin (and optional path) of the Parley API, without a trailing slash. */
  apiBase: string;
  title: string;
  /** Open the panel at once (`data-open`). */
  open: boolean;
}

const IMAGE_PROTOCOLS = new Set(['http:', 'https:', 'data:']);
const HTTP_PROTOCOLS = new Set(['http:', 'https:']);
const TYPING_THROTTLE_MS = 3_000;
const TYPING_IDLE_MS = 2_500;
const REMOTE_TYPING_TIMEOUT_MS = 15_000;
/** Without the socket, while a human owns the conversation: how often the missed messages are asked for. */
const POLL_MS = 4_000;
const POLL_LIMITED_MS = 30_000;

const el = <K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className?: string,
  text?: string,
): HTMLElementTagNameMap[K] => {
  const element = document.createElement(tag);
  if (className) element.className = className;
  if (text !== undefined) element.textContent = text;
  return element;
};

const newId = (): string =>
  typeof crypto !== 'undefined' && typeof crypto.randomUUID === 'function'
    ? crypto.randomUUID()
    : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** What a visitor's stored reply shows in their bubble. */
function replyText(content: unknown): string | undefined {
  if (!isObject(content)) return typeof content === 'string' ? content : undefined;
  if (typeof content.text === 'string') return content.text;
  if (Array.isArray(content.value)) return content.value.map(String).join(', ');
  if (typeof content.value === 'string' || typeof content.value === 'number') return String(content.value);
  if (Array.isArray(content.fileUrls)) return content.fileUrls.map(String).join('\n');
  return undefined;
}

/**
 * The widget: a launcher and a panel in a shadow root. It starts (or resumes) a session over the
 * chat REST API, renders the bot's messages and the awaited input, and joins the live
 * conversation over Socket.IO when it can.
 */
export class ParleyWidget {
  private readonly api: ChatApi;
  private readonly store: SessionStore;
  private readonly host: HTMLElement;
  private readonly root: HTMLDivElement;
  private readonly log: HTMLDivElement;
  private readonly typingRow: HTMLDivElement;
  private readonly errorRow: HTMLDivElement;
  private readonly composer: HTMLDivElement;
  private session: StoredSession | undefined;
  private live: LiveConnection | undefined;
  private status: SessionStatus = 'active';
  /** `open` or `snoozed`: a human owns the conversation and free text goes to them. */
  private human = false;
  private assigneeId: string | undefined;
  /** Agents' names by user id (from `conversation.updated` and their messages). */
  private readonly agentNames = new Map<string, string>();
  /**
   * The "<name> joined" line of the current assignee: `conversation.updated` and the `assigned`
   * activity line both announce an assignment, whichever comes first shows it, once.
   */
  private joinLine: { assigneeId: string; element: HTMLElement; viaActivity: boolean; viaUpdate: boolean } | undefined;
  private busy = false;
  private started = false;
  /** Ids of what is shown: bot message ids (`<turn>.<n>`), message view ids, our client message ids. */
  private readonly shown = new Set<string>();
  private lastSeen: { id: string; seq: number } | undefined;
  private typingSentAt = 0;
  private typingTimer: ReturnType<typeof setTimeout> | undefined;
  private remoteTypingTimer: ReturnType<typeof setTimeout> | undefined;
  private pollTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly options: WidgetOptions,
    host: HTMLElement,
  ) {
    this.host = host;
    this.api = new ChatApi(options.apiBase);
    this.store = new SessionStore(options.apiBase, options.publicId);
    const shadow = host.attachShadow({ mode: 'open' });
    this.adoptStyles(shadow);

    this.root = el('div', 'root');
    const panel = el('div', 'panel');
    panel.setAttribute('role', 'dialog');
    panel.setAttribute('aria-label', options.title);
    const header = el('div', 'header');
    const close = el('button', 'close', '×');
    close.type = 'button';
    close.setAttribute('aria-label', 'Close chat');
    close.addEventListener('click', () => this.toggle(false));
    header.append(el('span', 'title', options.title), close);
    this.log = el('div', 'log');
    this.log.setAttribute('role', 'log');
    this.log.setAttribute('aria-live', 'polite');
    this.typingRow = el('div', 'typing');
    this.errorRow = el('div', 'error');
    this.errorRow.setAttribute('role', 'alert');
    this.composer = el('div', 'composer');
    panel.append(header, this.log, this.typingRow, this.errorRow, this.composer);

    const launcher = el('button', 'launcher', '💬');
    launcher.type = 'button';
    launcher.setAttribute('aria-label', 'Open chat');
    launcher.addEventListener('click', () => this.toggle());
    this.root.append(panel, launcher);
    shadow.append(this.root);
    if (options.open) this.toggle(true);
  }

  /** Constructable stylesheets where supported (not subject to a host page's style-src), else a style element. */
  private adoptStyles(shadow: ShadowRoot): void {
    try {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(STYLES);
      shadow.adoptedStyleSheets = [sheet];
    } catch {
      shadow.append(el('style', undefined, STYLES));
    }
  }

  toggle(open = !this.root.classList.contains('open')): void {
    this.root.classList.toggle('open', open);
    if (open && !this.started) {
      this.started = true;
      void this.boot();
    }
    if (open) this.markRead();
  }

  // -------------------------------------------------------------------------------------------
  // Session

  private async boot(): Promise<void> {
    const stored = this.store.load();
    if (stored) {
      try {
        const view = await this.api.resume(stored.sessionId, stored.sessionToken);
        this.session = stored;
        if (stored.lastSeenId) this.lastSeen = { id: stored.lastSeenId, seq: 0 };
        this.status = view.status;
        this.human = view.status === 'handoff';
        for (const entry of view.transcript) this.renderTranscriptEntry(entry);
        this.renderInput(view.input);
        this.connectLive();
        this.schedulePoll();
        return;
      } catch (error) {
        // Expired or unknown (404): start again. Anything else: say so, keep the stored session.
        if (!(error instanceof ApiError && error.status === 404)) {
          this.showError(error);
          this.renderRetryBoot();
          this.started = false;
          return;
        }
        this.store.clear();
      }
    }
    await this.startSession();
  }

  private async startSession(): Promise<void> {
    this.setBusy(true);
    try {
      const started = await this.api.start(this.options.publicId);
      this.session = { sessionId: started.sessionId, sessionToken: started.sessionToken };
      this.store.save(this.session);
      this.showError(undefined);
      await this.renderTurn(started);
      this.connectLive();
    } catch (error) {
      this.showError(error);
      this.renderRetryBoot();
      this.started = false;
    } finally {
      this.setBusy(false);
    }
  }

  private restart(): void {
    this.live?.close();
    this.live = undefined;
    clearTimeout(this.pollTimer);
    this.pollTimer = undefined;
    this.store.clear();
    this.session = undefined;
    this.shown.clear();
    this.lastSeen = undefined;
    this.human = false;
    this.assigneeId = undefined;
    this.joinLine = undefined;
    this.setLiveState(undefined);
    this.log.replaceChildren();
    this.composer.replaceChildren();
    this.started = true;
    void this.startSession();
  }

  /** Sends a reply: to the human over the socket when connected, else (and to the bot) over REST. */
  private async send(reply: Reply, shown: string | undefined): Promise<boolean> {
    const session = this.session;
    if (!session || this.busy) return false;
    const clientMessageId = newId();
    this.setBusy(true);
    this.showError(undefined);
    this.stopTyping();
    const bubble = shown ? this.addVisitorBubble(shown) : undefined;
    this.shown.add(clientMessageId);
    try {
      const text = reply.text;
      if (this.human && this.live?.connected && text !== undefined) {
        const viaSocket = await this.live.send(clientMessageId, text).catch(() => undefined);
        if (viaSocket?.ok) {
          if (viaSocket.message) this.noteSeen(viaSocket.message);
          if (viaSocket.turn) await this.renderTurn(viaSocket.turn);
          return true;
        }
        if (viaSocket && !viaSocket.ok) {
          bubble?.remove();
          this.showError(viaSocket.error?.message ?? 'The message was not sent.');
          return false;
        }
        // no answer in time: the same clientMessageId over REST is stored once
      }
      const turn = await this.api.send(session.sessionId, session.sessionToken, clientMessageId, reply);
      await this.renderTurn(turn);
      return true;
    } catch (error) {
      bubble?.remove();
      this.showError(error);
      if (error instanceof ApiError && error.status === 404) {
        // the session expired under the visitor: offer a new one
        this.store.clear();
        this.renderEnded('This conversation has expired.');
      }
      return false;
    } finally {
      this.setBusy(false);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Live chat

  private connectLive(): void {
    const session = this.session;
    if (!session || this.live) return;
    try {
      this.live = new LiveConnection(this.options.apiBase, session.sessionToken, () => this.lastSeen?.id, {
        message: (message) => this.onLiveMessage(message),
        conversation: (update) => this.onConversation(update),
        typing: (on, sender) => this.onTyping(on, sender),
        connected: () => {
          this.setLiveState('connected');
          void this.onConnected();
        },
        disconnected: () => {
          this.setLiveState('offline');
          this.setRemoteTyping(false);
          this.schedulePoll();
        },
      });
    } catch {
      this.live = undefined; // REST alone
    }
  }

  /** `data-live` on the host element: `connected` while the socket is, `offline` after it dropped. */
  private setLiveState(state: 'connected' | 'offline' | undefined): void {
    if (state) this.host.dataset.live = state;
    else delete this.host.dataset.live;
  }

  private async onConnected(): Promise<void> {
    const live = this.live;
    if (!live) return;
    const after = this.lastSeen?.id;
    const missed = await live.sync(after).catch(() => []);
    if (after === undefined) {
      // No message seen over the socket yet: what the conversation holds is what the REST answers
      // (or the resumed transcript) already showed. It only sets where "after" starts.
      for (const message of missed) this.noteSeen(message);
      return;
    }
    for (const message of missed) this.onLiveMessage(message);
  }

  private noteSeen(message: MessageView): void {
    this.shown.add(message.id);
    if (message.clientMessageId) this.shown.add(message.clientMessageId);
    if (!this.lastSeen || message.seq >= this.lastSeen.seq) {
      this.lastSeen = { id: message.id, seq: message.seq };
      if (this.session) {
        this.session = { ...this.session, lastSeenId: message.id };
        this.store.save(this.session);
      }
    }
  }

  private onLiveMessage(message: MessageView): void {
    if (message.kind === 'note') return;
    const botId = message.sender.type === 'bot' ? asBotMessage(message.content)?.id : undefined;
    const duplicate =
      this.shown.has(message.id) ||
      (message.clientMessageId ? this.shown.has(message.clientMessageId) : false) ||
      (botId ? this.shown.has(botId) : false);
    this.noteSeen(message);
    if (duplicate) return;
    switch (message.sender.type) {
      case 'bot': {
        const bot = asBotMessage(message.content);
        if (bot) {
          if (bot.id) this.shown.add(bot.id);
          this.addBotBubble(bot);
        } else if (message.text) this.addBubble('bot', message.text);
        break;
      }
      case 'visitor':
        this.addVisitorBubble(message.text ?? replyText(message.content) ?? '');
        break;
      case 'agent':
        if (message.sender.id && message.sender.name) this.agentNames.set(message.sender.id, message.sender.name);
        this.addBubble('agent', message.text ?? replyText(message.content) ?? '', message.sender.name ?? 'Agent');
        this.setRemoteTyping(false);
        this.markRead();
        break;
      case 'system':
        this.addActivity(message.content, message.text ?? replyText(message.content) ?? '');
        break;
    }
  }

  private onConversation(update: ConversationUpdate): void {
    if (update.assignee !== undefined) {
      const id = update.assignee?.id;
      const name = update.assignee?.name;
      if (id && name) this.agentNames.set(id, name);
      if (id && id !== this.assigneeId && name) this.announceJoin(id, 'update');
      this.assigneeId = id;
    }
    if (update.status === undefined) return;
    const human = update.status === 'open' || update.status === 'snoozed';
    if (human && !this.human) {
      this.human = true;
      this.renderInput(null);
      this.schedulePoll();
    } else if (!human && this.human && update.status === 'pending') {
      // handed back to the bot: what does it wait for now?
      this.human = false;
      void this.refreshInput();
    } else if (update.status === 'resolved') {
      this.human = false;
      this.renderEnded('This conversation was closed.');
    }
  }

  /** An activity line of the history ("Assigned to Ada" shows as "Ada joined", once with `conversation.updated`'s). */
  private addActivity(content: unknown, text: string): void {
    if (isObject(content) && content.type === 'assigned' && typeof content.assigneeId === 'string') {
      this.announceJoin(content.assigneeId, 'activity', text);
      return;
    }
    if (text !== '') this.addSystemLine(text);
  }

  private announceJoin(assigneeId: string, via: 'activity' | 'update', fallback?: string): void {
    const name = this.agentNames.get(assigneeId);
    const text = name ? `${name} joined` : (fallback ?? 'An agent joined');
    const line = this.joinLine;
    const key = via === 'activity' ? 'viaActivity' : 'viaUpdate';
    if (line && line.assigneeId === assigneeId && !line[key]) {
      // the other announcement of the same assignment
      line[key] = true;
      if (name) line.element.textContent = text;
      return;
    }
    this.joinLine = {
      assigneeId,
      element: this.addSystemLine(text),
      viaActivity: via === 'activity',
      viaUpdate: via === 'update',
    };
  }

  /**
   * REST alone (the socket is not connected) while a human owns the conversation: asks for what came
   * after the last message seen (`GET /api/v1/sessions/{id}/messages?after=`) every few seconds, and
   * what the bot waits for once the conversation is handed back.
   */
  private schedulePoll(delay = POLL_MS): void {
    clearTimeout(this.pollTimer);
    this.pollTimer = undefined;
    if (!this.session || !this.human || this.live?.connected) return;
    this.pollTimer = setTimeout(() => void this.poll(), delay);
  }

  private async poll(): Promise<void> {
    this.pollTimer = undefined;
    const session = this.session;
    if (!session || !this.human || this.live?.connected) return;
    let delay = POLL_MS;
    try {
      const messages = await this.api.history(session.sessionId, session.sessionToken, this.lastSeen?.id);
      if (session.sessionId !== this.session?.sessionId) return;
      let handedBack = false;
      for (const message of messages) {
        const fresh = !this.shown.has(message.id);
        if (
          fresh &&
          (message.sender.type === 'bot' || (isObject(message.content) && message.content.type === 'handed_back'))
        ) {
          handedBack = true;
        }
        this.onLiveMessage(message);
      }
      if (handedBack) await this.refreshInput();
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return; // expired: the next send says so
      if (error instanceof ApiError && error.status === 429) delay = POLL_LIMITED_MS;
    }
    if (session.sessionId === this.session?.sessionId) this.schedulePoll(delay);
  }

  private async refreshInput(): Promise<void> {
    const session = this.session;
    if (!session) return;
    try {
      const view = await this.api.resume(session.sessionId, session.sessionToken);
      this.status = view.status;
      if (view.status !== 'handoff') this.human = false;
      this.renderInput(view.input);
    } catch (error) {
      this.showError(error);
    }
  }

  private onTyping(on: boolean, sender: TypingEvent['sender']): void {
    if (sender?.type === 'visitor') return;
    const name = sender?.name ?? (sender?.id ? this.agentNames.get(sender.id) : undefined);
    this.setRemoteTyping(on, name);
  }

  private setRemoteTyping(on: boolean, name?: string): void {
    clearTimeout(this.remoteTypingTimer);
    this.typingRow.replaceChildren();
    if (!on) return;
    const dots = el('span', 'dots');
    dots.append(el('span'), el('span'), el('span'));
    this.typingRow.append(dots, document.createTextNode(name ? ` ${name} is typing…` : ' typing…'));
    this.remoteTypingTimer = setTimeout(() => this.setRemoteTyping(false), REMOTE_TYPING_TIMEOUT_MS);
  }

  /** typing.start at most every few seconds while the visitor types to a human; typing.stop when they pause. */
  private typed(): void {
    if (!this.human || !this.live?.connected) return;
    const now = Date.now();
    if (now - this.typingSentAt > TYPING_THROTTLE_MS) {
      this.typingSentAt = now;
      this.live.typing(true);
    }
    clearTimeout(this.typingTimer);
    this.typingTimer = setTimeout(() => this.stopTyping(), TYPING_IDLE_MS);
  }

  private stopTyping(): void {
    clearTimeout(this.typingTimer);
    if (this.typingSentAt === 0) return;
    this.typingSentAt = 0;
    this.live?.typing(false);
  }

  private markRead(): void {
    if (this.lastSeen && this.root.classList.contains('open') && document.visibilityState !== 'hidden') {
      this.live?.read(this.lastSeen.id);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Rendering

  private async renderTurn(turn: Turn): Promise<void> {
    this.status = turn.status;
    if (turn.status === 'handoff' && !this.human) {
      this.human = true;
      this.schedulePoll();
    }
    const fresh = turn.messages.filter((m) => !m.id || !this.shown.has(m.id));
    const actionsAt = (count: number): Action[] => turn.actions.filter((a) => a.afterMessageCount === count);
    let redirected = false;
    for (let i = 0; i <= turn.messages.length; i++) {
      for (const action of actionsAt(i)) redirected = (await this.runAction(action)) || redirected;
      const message = turn.messages[i];
      if (message && fresh.includes(message)) {
        if (message.id) this.shown.add(message.id);
        this.addBotBubble(message);
      }
    }
    if (turn.input?.isRetry && fresh.length === 0 && turn.input.retryMessage) {
      this.addBubble('bot', turn.input.retryMessage);
    }
    if (!redirected) this.renderInput(turn.input);
  }

  /** Waits, or opens the redirect URL; true when the page is leaving. */
  private async runAction(action: Action): Promise<boolean> {
    if (action.type === 'wait' && typeof action.seconds === 'number') {
      await sleep(Math.min(action.seconds, 30) * 1000);
      return false;
    }
    const url = action.type === 'redirect' && action.url ? safeUrl(action.url, HTTP_PROTOCOLS) : undefined;
    if (!url) return false;
    if (action.newTab) {
      window.open(url, '_blank', 'noopener');
      return false;
    }
    window.location.assign(url);
    return true;
  }

  private renderTranscriptEntry(entry: TranscriptEntry): void {
    const { role, content } = entry;
    // Entries carry the history's ids: a message shown here is not shown again when a socket pushes it.
    if (entry.id) {
      this.shown.add(entry.id);
      if (typeof entry.seq === 'number' && (!this.lastSeen || entry.seq >= this.lastSeen.seq)) {
        this.lastSeen = { id: entry.id, seq: entry.seq };
      }
    }
    if (role === 'system') {
      this.addActivity(content, replyText(content) ?? '');
      return;
    }
    if (role === 'bot') {
      const message = asBotMessage(content);
      if (message) {
        if (message.id) this.shown.add(message.id);
        this.addBotBubble(message);
      }
      return;
    }
    const text = replyText(content);
    if (text === undefined || text === '') return;
    if (role === 'visitor') this.addVisitorBubble(text);
    else if (role === 'agent') {
      const name = entry.name ?? (isObject(content) && typeof content.name === 'string' ? content.name : 'Agent');
      this.addBubble('agent', text, name);
    } else this.addSystemLine(text);
  }

  private append(node: HTMLElement): HTMLElement {
    this.log.append(node);
    this.log.scrollTop = this.log.scrollHeight;
    return node;
  }

  private addBubble(kind: 'bot' | 'agent', markdown: string, sender?: string): HTMLElement {
    const bubble = el('div', `msg ${kind}`);
    if (sender) bubble.append(el('span', 'sender', sender));
    bubble.append(renderMarkdown(markdown));
    return this.append(bubble);
  }

  private addVisitorBubble(text: string): HTMLElement {
    return this.append(el('div', 'msg visitor', text));
  }

  private addSystemLine(text: string): HTMLElement {
    return this.append(el('div', 'msg system', text));
  }

  private addBotBubble(message: BotMessage): void {
    switch (message.type) {
      case 'text':
        this.addBubble('bot', message.markdown);
        return;
      case 'image': {
        const src = safeUrl(message.url, IMAGE_PROTOCOLS);
        if (!src) return;
        const bubble = el('div', 'msg bot');
        const img = el('img');
        img.src = src;
        img.alt = message.alt ?? '';
        img.addEventListener('load', () => (this.log.scrollTop = this.log.scrollHeight));
        const href = message.clickLink ? safeUrl(message.clickLink.url, HTTP_PROTOCOLS) : undefined;
        if (href) {
          const a = link(href, '');
          a.append(img);
          bubble.append(a);
        } else bubble.append(img);
        this.append(bubble);
        return;
      }
      case 'video':
      case 'audio':
      case 'embed': {
        const href = safeUrl(message.url, HTTP_PROTOCOLS);
        if (!href) return;
        const label = { video: '▶ Watch the video', audio: '♪ Listen to the audio', embed: '↗ Open the content' }[
          message.type
        ];
        const bubble = el('div', 'msg bot');
        bubble.append(link(href, label));
        this.append(bubble);
        return;
      }
    }
  }

  private showError(error: unknown): void {
    const message =
      error === undefined
        ? ''
        : error instanceof Error
          ? error.message
          : typeof error === 'string'
            ? error
            : 'Something went wrong.';
    this.errorRow.textContent = message;
  }

  private setBusy(busy: boolean): void {
    this.busy = busy;
    this.composer.querySelectorAll('button, input, textarea').forEach((node) => {
      (node as HTMLButtonElement | HTMLInputElement | HTMLTextAreaElement).disabled = busy;
    });
  }

  private renderRetryBoot(): void {
    const retry = el('button', 'restart', 'Try again');
    retry.type = 'button';
    retry.addEventListener('click', () => {
      this.composer.replaceChildren();
      this.showError(undefined);
      this.started = true;
      void this.boot();
    });
    this.composer.replaceChildren(retry);
  }

  private renderEnded(note: string): void {
    const restart = el('button', 'restart', 'Start a new conversation');
    restart.type = 'button';
    restart.addEventListener('click', () => this.restart());
    this.composer.replaceChildren(el('div', 'note', note), restart);
  }

  /** The composer for the awaited input; free text while a human owns the conversation. */
  private renderInput(input: Input | null): void {
    this.composer.replaceChildren();
    if (this.human) {
      this.composer.append(this.textRow({ type: 'textInput', placeholder: 'Type your message…' }, 'text'));
      return;
    }
    if (!input) {
      if (this.status !== 'active') this.renderEnded('This conversation has ended.');
      return;
    }
    switch (input.type) {
      case 'textInput':
        this.composer.append(this.textRow(input, input.multiline ? 'textarea' : 'text'));
        return;
      case 'numberInput':
        this.composer.append(this.textRow(input, 'number'));
        return;
      case 'emailInput':
        this.composer.append(this.textRow(input, 'email'));
        return;
      case 'phoneInput':
        this.composer.append(this.textRow(input, 'tel'));
        return;
      case 'urlInput':
        this.composer.append(this.textRow(input, 'url'));
        return;
      case 'timeInput':
        this.composer.append(this.textRow(input, 'time'));
        return;
      case 'dateInput':
        this.composer.append(this.dateRow(input));
        return;
      case 'ratingInput':
        this.composer.append(this.ratingRow(input));
        return;
      case 'choiceInput':
      case 'pictureChoiceInput':
        this.composer.append(...this.choiceRows(input));
        return;
      default:
        this.composer.append(
          el('div', 'note', 'This step needs something the web widget cannot send yet (a file or an embedded page).'),
        );
    }
  }

  private sendButton(input: Input, fallback = 'Send'): HTMLButtonElement {
    const button = el('button', 'send', input.buttonLabel || fallback);
    button.type = 'submit';
    return button;
  }

  private textRow(
    input: Input,
    kind: 'text' | 'textarea' | 'number' | 'email' | 'tel' | 'url' | 'time',
  ): HTMLFormElement {
    const form = el('form', 'row');
    form.noValidate = true; // the server validates, and answers with the flow's retry message
    const field: HTMLInputElement | HTMLTextAreaElement = kind === 'textarea' ? el('textarea') : el('input');
    if (field instanceof HTMLInputElement) {
      field.type = kind === 'textarea' ? 'text' : kind;
      if (kind === 'number') {
        if (input.min !== undefined) field.min = String(input.min);
        if (input.max !== undefined) field.max = String(input.max);
        field.step = input.step !== undefined ? String(input.step) : 'any';
      }
      if (kind === 'email') field.autocomplete = 'email';
      if (kind === 'tel') field.autocomplete = 'tel';
    }
    field.placeholder = input.placeholder ?? 'Type your answer…';
    field.setAttribute('aria-label', input.placeholder ?? 'Your answer');
    field.addEventListener('input', () => this.typed());
    if (field instanceof HTMLTextAreaElement) {
      field.addEventListener('keydown', (event) => {
        if (event.key === 'Enter' && !event.shiftKey) {
          event.preventDefault();
          form.requestSubmit();
        }
      });
    }
    form.append(field, this.sendButton(input));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const text = field.value.trim();
      if (text === '') return;
      void this.send({ text }, text).then((ok) => {
        if (!ok) field.focus();
      });
    });
    queueMicrotask(() => field.focus({ preventScroll: true }));
    return form;
  }

  private dateRow(input: Input): HTMLFormElement {
    const form = el('form', 'row');
    form.noValidate = true;
    const field = (label: string | undefined): HTMLInputElement => {
      const date = el('input');
      date.type = input.hasTime ? 'datetime-local' : 'date';
      if (typeof input.min === 'string') date.min = input.min;
      if (typeof input.max === 'string') date.max = input.max;
      date.setAttribute('aria-label', label ?? 'Date');
      return date;
    };
    const from = field(input.isRange ? (input.fromLabel ?? 'From') : input.placeholder);
    const to = input.isRange ? field(input.toLabel ?? 'To') : undefined;
    form.append(from, ...(to ? [to] : []), this.sendButton(input));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      if (!from.value || (to && !to.value)) return;
      const separator = input.rangeSeparator && input.rangeSeparator.trim() !== '' ? input.rangeSeparator : ' to ';
      const text = to ? `${from.value}${separator}${to.value}` : from.value;
      void this.send({ text }, text);
    });
    return form;
  }

  private ratingRow(input: Input): HTMLFormElement {
    const form = el('form', 'rating');
    const length = Math.max(1, Math.min(input.length ?? 5, 20));
    const start = input.startsAt ?? (input.style === 'icons' ? 1 : 0);
    let chosen: number | undefined;
    const buttons: HTMLButtonElement[] = [];
    if (input.leftLabel) form.append(el('span', 'label', input.leftLabel));
    for (let n = start; n < start + length; n++) {
      const button = el('button', undefined, input.style === 'icons' ? '★' : String(n));
      button.type = 'button';
      button.setAttribute('aria-label', String(n));
      button.setAttribute('aria-pressed', 'false');
      button.addEventListener('click', () => {
        chosen = n;
        buttons.forEach((b, i) =>
          b.setAttribute('aria-pressed', String(input.style === 'icons' ? i <= n - start : i === n - start)),
        );
        if (input.oneClickSubmit) void this.send({ text: String(n), value: n }, String(n));
      });
      buttons.push(button);
      form.append(button);
    }
    if (input.rightLabel) form.append(el('span', 'label', input.rightLabel));
    if (!input.oneClickSubmit) form.append(this.sendButton(input));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      if (chosen !== undefined) void this.send({ text: String(chosen), value: chosen }, String(chosen));
    });
    return form;
  }

  private choiceRows(input: Input): HTMLElement[] {
    const choices = input.choices ?? [];
    const labelOf = (choice: Choice | PictureChoice): string =>
      'label' in choice ? choice.label : (choice.title ?? choice.id);
    const list = el('div', 'choices');
    const selected = new Set<string>();
    const buttons = choices.map((choice) => {
      const button = el('button', 'choice');
      button.type = 'button';
      if ('pictureUrl' in choice) {
        const src = safeUrl(choice.pictureUrl, IMAGE_PROTOCOLS);
        if (src) {
          const img = el('img');
          img.src = src;
          img.alt = '';
          button.append(img);
        }
      }
      button.append(document.createTextNode(labelOf(choice)));
      if (input.multiple) button.setAttribute('aria-pressed', 'false');
      button.addEventListener('click', () => {
        if (!input.multiple) {
          const label = labelOf(choice);
          // A label designates the item (by id, saved value, then label); the id is exact.
          void this.send({ text: 'label' in choice ? label : choice.id }, label);
          return;
        }
        if (selected.has(choice.id)) selected.delete(choice.id);
        else selected.add(choice.id);
        button.setAttribute('aria-pressed', String(selected.has(choice.id)));
      });
      list.append(button);
      return { choice, button };
    });
    const rows: HTMLElement[] = [];
    if (input.searchable && choices.length > 0) {
      const search = el('input');
      search.type = 'search';
      search.placeholder = input.placeholder ?? 'Search…';
      search.setAttribute('aria-label', 'Filter the choices');
      search.addEventListener('input', () => {
        const term = search.value.trim().toLowerCase();
        for (const { choice, button } of buttons) button.hidden = !labelOf(choice).toLowerCase().includes(term);
      });
      const row = el('div', 'row');
      row.append(search);
      rows.push(row);
    }
    rows.push(list);
    if (input.multiple) {
      const form = el('form', 'row');
      form.append(this.sendButton(input));
      form.addEventListener('submit', (event) => {
        event.preventDefault();
        const picked = choices.filter((c) => selected.has(c.id));
        if (picked.length === 0) return;
        const labels = picked.map(labelOf).join(', ');
        // The ids designate the items; the labels are what the transcript shows.
        void this.send({ value: picked.map((c) => c.id), text: labels }, labels);
      });
      rows.push(form);
    }
    return rows;
  }
}

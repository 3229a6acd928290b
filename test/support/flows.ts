/**
 * Flows several specs share. A question with an idle event: "Anything to add?" awaits a text
 * answer; after `timeoutSeconds` without one, the idle event nudges ("Are you still there?") and
 * returns to the question; an answer ends with "Got it: <answer>".
 */
export const idleQuestionFlow = (timeoutSeconds = 60) => ({
  schemaVersion: 1,
  events: [
    { id: 'start', type: 'start' },
    { id: 'idle', type: 'idle', timeoutSeconds },
  ],
  variables: [{ id: 'v', name: 'answer' }],
  groups: [
    {
      id: 'g1',
      blocks: [
        { id: 'ask', type: 'text', options: { text: 'Anything to add?' } },
        { id: 'in', type: 'textInput', options: { variableId: 'v' } },
      ],
    },
    {
      id: 'g2',
      blocks: [
        { id: 'nudge', type: 'text', options: { text: 'Are you still there?' } },
        { id: 'back', type: 'return' },
      ],
    },
    { id: 'g3', blocks: [{ id: 'done', type: 'text', options: { text: 'Got it: {{answer}}' } }] },
  ],
  edges: [
    { id: 'e0', from: { eventId: 'start' }, to: { groupId: 'g1' } },
    { id: 'e1', from: { eventId: 'idle' }, to: { groupId: 'g2' } },
    { id: 'e2', from: { blockId: 'in' }, to: { groupId: 'g3' } },
  ],
});

/**
 * A bot that hands over to a human: it asks what the visitor needs, hands off ("Connecting you…",
 * in department `departmentId` when given), and after a hand-back asks "Anything else?" and says
 * goodbye. Group `survey` is a place an agent may resume at instead.
 */
export const handoffFlow = (departmentId?: string) => ({
  schemaVersion: 1,
  events: [{ id: 'start', type: 'start' }],
  variables: [
    { id: 'need', name: 'need' },
    { id: 'more', name: 'more' },
    { id: 'score', name: 'score' },
  ],
  groups: [
    {
      id: 'ask',
      blocks: [
        { id: 'hello', type: 'text', options: { text: 'Hi! What do you need?' } },
        { id: 'need-in', type: 'textInput', options: { variableId: 'need' } },
      ],
    },
    {
      id: 'human',
      blocks: [
        {
          id: 'handoff',
          type: 'handoff',
          options: { message: 'Connecting you to a human…', ...(departmentId ? { departmentId } : {}) },
        },
        { id: 'back', type: 'text', options: { text: 'Back with the bot. Anything else?' } },
        { id: 'more-in', type: 'textInput', options: { variableId: 'more' } },
        { id: 'bye', type: 'text', options: { text: 'Bye! ({{more}})' } },
      ],
    },
    {
      id: 'survey',
      blocks: [
        { id: 'rate', type: 'text', options: { text: 'How did we do?' } },
        { id: 'score-in', type: 'textInput', options: { variableId: 'score' } },
      ],
    },
  ],
  edges: [
    { id: 'e0', from: { eventId: 'start' }, to: { groupId: 'ask' } },
    { id: 'e1', from: { blockId: 'need-in' }, to: { groupId: 'human' } },
  ],
});

/**
 * Asks a question (`Question`), answers it with an OpenAI chat block (`model`, `connectionId`:
 * the organization's connection, else the installation's key), then says `AI: {{Answer}}`.
 */
export const openAiChatFlow = (options: { model?: string; connectionId?: string } = {}) => ({
  schemaVersion: 1,
  events: [{ id: 'start', type: 'start' }],
  variables: [
    { id: 'q', name: 'Question' },
    { id: 'a', name: 'Answer' },
  ],
  groups: [
    {
      id: 'g',
      blocks: [
        { id: 'ask', type: 'textInput', options: { variableId: 'q' } },
        {
          id: 'ai',
          type: 'openAiChat',
          options: {
            ...options,
            messages: [{ role: 'user', content: '{{Question}}' }],
            responseMapping: [{ value: 'messageContent', variableId: 'a' }],
          },
        },
        { id: 'say', type: 'text', options: { text: 'AI: {{Answer}}' } },
      ],
    },
  ],
  edges: [{ id: 'e', from: { eventId: 'start' }, to: { groupId: 'g' } }],
});

/** A text bubble that repeats the answer, then the text input again, forever: the continue-chat bench's flow. */
export { loopFlow as echoLoopFlow } from '../../bench/scenarios';

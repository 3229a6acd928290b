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

import { defineTemplate, edge } from './define-template';

const SYSTEM_PROMPT = `You are the friendly support assistant of our company. Answer in at most three short sentences, using only the FAQ below. If the answer is not in the FAQ, say so and offer to connect the visitor with a human.

FAQ:
- Opening hours: Monday to Friday, 9:00 to 18:00.
- Shipping: orders ship within 2 business days.
- Returns: free returns within 30 days of delivery.`;

/**
 * FAQ answered by OpenAI with the conversation so far, and handoff to a human when the visitor
 * asks for one (a condition on the question) or sends the `human` command. An idle visitor gets a
 * goodbye after ten minutes.
 */
export const aiFaqTemplate = defineTemplate({
  id: 'ai-faq',
  name: 'AI FAQ with human handoff',
  description:
    'Answers questions with OpenAI from your FAQ and hands over to an agent when the visitor asks for a human.',
  category: 'support',
  flow: {
    schemaVersion: 1,
    variables: [
      { id: 'var-question', name: 'Question' },
      { id: 'var-answer', name: 'Answer' },
      { id: 'var-history', name: 'Chat history', type: 'list', saveInResults: false },
    ],
    events: [
      { id: 'start', type: 'start', position: { x: 0, y: 0 } },
      { id: 'human-command', type: 'command', command: 'human', position: { x: 0, y: 400 } },
      { id: 'idle', type: 'idle', timeoutSeconds: 600, position: { x: 0, y: 600 } },
    ],
    groups: [
      {
        id: 'welcome',
        title: 'Welcome',
        position: { x: 300, y: 0 },
        blocks: [
          {
            id: 'welcome-text',
            type: 'text',
            options: {
              text: "Hi! I'm the virtual assistant. Ask me anything, or type **talk to a human** at any time.",
            },
          },
        ],
      },
      {
        id: 'ask',
        title: 'Question',
        position: { x: 650, y: 0 },
        blocks: [
          {
            id: 'question-input',
            type: 'textInput',
            options: { variableId: 'var-question', placeholder: 'Type your question…', maxLength: 1_000 },
          },
        ],
      },
      {
        id: 'route',
        title: 'Wants a human?',
        position: { x: 1000, y: 0 },
        blocks: [
          {
            id: 'human-check',
            type: 'condition',
            items: [
              {
                id: 'asks-for-human',
                condition: {
                  comparisons: [
                    {
                      id: 'question-mentions-human',
                      variableId: 'var-question',
                      operator: 'matchesRegex',
                      value: '/\\b(human|agent|person|operator)\\b/i',
                    },
                  ],
                },
              },
            ],
          },
        ],
      },
      {
        id: 'answer',
        title: 'AI answer',
        position: { x: 1350, y: 0 },
        blocks: [
          {
            id: 'remember-question',
            type: 'setVariable',
            options: { variableId: 'var-history', operation: { kind: 'append', expression: '{{Question}}' } },
          },
          {
            id: 'ask-openai',
            type: 'openAiChat',
            options: {
              model: 'gpt-4o-mini',
              messages: [
                { role: 'system', content: SYSTEM_PROMPT },
                { role: 'dialogue', variableId: 'var-history', startsBy: 'user' },
              ],
              temperature: 0.3,
              maxTokens: 400,
              responseMapping: [{ value: 'messageContent', variableId: 'var-answer' }],
            },
          },
          {
            id: 'remember-answer',
            type: 'setVariable',
            options: { variableId: 'var-history', operation: { kind: 'append', expression: '{{Answer}}' } },
          },
          { id: 'answer-text', type: 'text', options: { text: '{{Answer}}' } },
        ],
      },
      {
        id: 'handoff',
        title: 'Human agent',
        position: { x: 1350, y: 400 },
        blocks: [
          {
            id: 'to-agent',
            type: 'handoff',
            options: { message: "Sure, I'm connecting you with a member of our team. They'll reply here shortly." },
          },
        ],
      },
      {
        id: 'goodbye',
        title: 'Idle goodbye',
        position: { x: 300, y: 600 },
        blocks: [
          {
            id: 'goodbye-text',
            type: 'text',
            options: { text: 'It looks like you stepped away. Come back anytime if you have more questions!' },
          },
          { id: 'goodbye-end', type: 'end' },
        ],
      },
    ],
    edges: [
      edge('start-to-welcome', { eventId: 'start' }, 'welcome'),
      edge('command-to-handoff', { eventId: 'human-command' }, 'handoff'),
      edge('idle-to-goodbye', { eventId: 'idle' }, 'goodbye'),
      edge('welcome-to-ask', 'welcome-text', 'ask'),
      edge('question-to-route', 'question-input', 'route'),
      edge('human-to-handoff', ['human-check', 'asks-for-human'], 'handoff'),
      edge('else-to-answer', 'human-check', 'answer'),
      edge('answer-to-ask', 'answer-text', 'ask'),
    ],
  },
});

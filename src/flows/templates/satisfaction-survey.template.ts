import { defineTemplate, edge } from './define-template';

/** Customer satisfaction: a 1–5 rating, a follow-up question that depends on it, and thanks. */
export const satisfactionSurveyTemplate = defineTemplate({
  id: 'satisfaction-survey',
  name: 'Customer satisfaction survey',
  description: 'Asks for a 1 to 5 rating, then a comment (worded by the score), and thanks the visitor.',
  category: 'feedback',
  flow: {
    schemaVersion: 1,
    variables: [
      { id: 'var-score', name: 'Score', type: 'number' },
      { id: 'var-comment', name: 'Comment' },
    ],
    events: [{ id: 'start', type: 'start', position: { x: 0, y: 0 } }],
    groups: [
      {
        id: 'rating',
        title: 'Rating',
        position: { x: 300, y: 0 },
        blocks: [
          {
            id: 'ask-rating',
            type: 'text',
            options: { text: 'Thanks for chatting with us! How satisfied are you with the help you received?' },
          },
          {
            id: 'rating-input',
            type: 'ratingInput',
            options: {
              variableId: 'var-score',
              length: 5,
              startsAt: 1,
              style: 'icons',
              leftLabel: 'Not satisfied',
              rightLabel: 'Very satisfied',
              oneClickSubmit: true,
            },
          },
        ],
      },
      {
        id: 'by-score',
        title: 'Low score?',
        position: { x: 650, y: 0 },
        blocks: [
          {
            id: 'score-check',
            type: 'condition',
            items: [
              {
                id: 'low-score',
                condition: {
                  comparisons: [
                    { id: 'score-at-most-3', variableId: 'var-score', operator: 'lessOrEqual', value: '3' },
                  ],
                },
              },
            ],
          },
        ],
      },
      {
        id: 'went-wrong',
        title: 'What went wrong',
        position: { x: 1000, y: -150 },
        blocks: [
          {
            id: 'ask-wrong',
            type: 'text',
            options: { text: "We're sorry to hear that. What could we have done better?" },
          },
          {
            id: 'wrong-input',
            type: 'textInput',
            options: { variableId: 'var-comment', multiline: true, maxLength: 2_000 },
          },
        ],
      },
      {
        id: 'went-well',
        title: 'What went well',
        position: { x: 1000, y: 150 },
        blocks: [
          {
            id: 'ask-well',
            type: 'text',
            options: { text: 'Great to hear! Anything else you would like to tell us?' },
          },
          {
            id: 'well-input',
            type: 'textInput',
            options: { variableId: 'var-comment', multiline: true, maxLength: 2_000 },
          },
        ],
      },
      {
        id: 'thanks',
        title: 'Thanks',
        position: { x: 1350, y: 0 },
        blocks: [
          {
            id: 'thanks-text',
            type: 'text',
            options: { text: 'Thank you for your feedback, it helps us improve! 🙏' },
          },
          { id: 'thanks-end', type: 'end' },
        ],
      },
    ],
    edges: [
      edge('start-to-rating', { eventId: 'start' }, 'rating'),
      edge('rating-to-check', 'rating-input', 'by-score'),
      edge('low-to-wrong', ['score-check', 'low-score'], 'went-wrong'),
      edge('else-to-well', 'score-check', 'went-well'),
      edge('wrong-to-thanks', 'wrong-input', 'thanks'),
      edge('well-to-thanks', 'well-input', 'thanks'),
    ],
  },
});

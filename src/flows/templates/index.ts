import { aiFaqTemplate } from './ai-faq.template';
import type { FlowTemplate } from './define-template';
import { leadCaptureTemplate } from './lead-capture.template';
import { satisfactionSurveyTemplate } from './satisfaction-survey.template';

export { TEMPLATE_CATEGORIES, type FlowTemplate, type TemplateCategory } from './define-template';

/** The flows a new chatbot can start from. Each passes `validateFlow` with no problems. */
export const builtInTemplates: readonly FlowTemplate[] = [
  leadCaptureTemplate,
  aiFaqTemplate,
  satisfactionSurveyTemplate,
];

export function findBuiltInTemplate(id: string): FlowTemplate | undefined {
  return builtInTemplates.find((t) => t.id === id);
}

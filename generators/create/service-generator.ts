import { EXIT, LoopsvcError } from '../shared/errors.js';
import { renderTemplate, type PlannedFile, type TemplateData } from '../shared/render.js';
import { templateFiles } from '../shared/template-files.js';

/**
 * Renders the chosen template into memory: writing is a separate step (generators/shared/write.ts), so
 * a failure or a cancel never leaves half a project behind, and --dry-run lists exactly what a
 * real run would write. Rendering is direct: node-plop's action runner added nothing here but
 * bundle weight (plop and turbo gen load generators/plopfile.ts, which calls `generate`).
 */
export async function planProject(data: TemplateData): Promise<PlannedFile[]> {
  let plan: PlannedFile[];
  try {
    plan = await renderTemplate(data.template, data);
  } catch (error) {
    throw new LoopsvcError('RENDER_FAILED', `could not render template ${data.template}: ${error instanceof Error ? error.message : String(error)}`, EXIT.failed);
  }
  if (plan.length === 0) {
    // only a broken install gets here (dist/templates.pack missing or cut short): never write an empty project
    throw new LoopsvcError('NO_TEMPLATE_FILES', `template ${data.template} has no files in ${templateFiles().where}; reinstall create-loopsvc`, EXIT.failed);
  }
  return plan;
}

import nodePlop, { type NodePlopAPI } from 'node-plop';
import { LoopsvcError, EXIT } from './errors.js';
import { renderTemplate, TEMPLATES_DIR, type PlannedFile, type TemplateData } from './render.js';

export const SERVICE_GENERATOR = 'service';
const RENDER_ACTION = 'loopsvc:render';

/** The action config node-plop hands back to our action type. */
interface RenderActionConfig {
  type: typeof RENDER_ACTION;
  plan: PlannedFile[];
}

/**
 * Registers the `service` generator on a plop instance. Its one action renders the chosen
 * template into `plan` (memory): writing is a separate step, so a failure or a cancel never
 * leaves half a project behind, and --dry-run lists exactly what a real run would write.
 */
export function registerServiceGenerator(plop: NodePlopAPI, plan: PlannedFile[]): void {
  plop.setActionType(RENDER_ACTION, async (answers, config) => {
    const target = (config as unknown as RenderActionConfig).plan;
    const files = await renderTemplate(answers.template as TemplateData['template'], answers as TemplateData);
    target.push(...files);
    return `${files.length} files rendered from templates/${answers.template as string}`;
  });
  const render: RenderActionConfig = { type: RENDER_ACTION, plan };
  plop.setGenerator(SERVICE_GENERATOR, {
    description: 'a Node.js service that is correct about the event loop',
    prompts: [],
    actions: [render],
  });
}

/** Runs the generator through node-plop and turns its `failures` into one readable error. */
export async function planProject(data: TemplateData, destination: string): Promise<PlannedFile[]> {
  const plop = await nodePlop(undefined, { destBasePath: destination, force: false });
  const plan: PlannedFile[] = [];
  registerServiceGenerator(plop, plan);
  const { failures } = await plop.getGenerator(SERVICE_GENERATOR).runActions(data);
  if (failures.length > 0) {
    const reasons = failures.map((f) => `${f.type}${f.path ? ` ${f.path}` : ''}: ${describe(f.error)}`).join('; ');
    throw new LoopsvcError('RENDER_FAILED', `could not render template ${data.template}: ${reasons}`, EXIT.failed);
  }
  if (plan.length === 0) {
    // only a broken install gets here (templates/ missing beside dist/): never write an empty project
    throw new LoopsvcError('NO_TEMPLATE_FILES', `template ${data.template} has no files under ${TEMPLATES_DIR}; reinstall create-loopsvc`, EXIT.failed);
  }
  return plan;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

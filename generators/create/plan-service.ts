import path from 'node:path';
import type { MonorepoPlan } from './monorepo.js';
import { buildScriptsNotRun, withPackageManagerFiles, withWorkspaceDockerIgnore } from '../shared/pm-config.js';
import { templateData, type PlannedFile, type RenderRequest } from '../shared/render.js';
import { planProject } from './service-generator.js';

/**
 * Everything a service is generated with, rendered in memory: the template with its options, then
 * either the package manager's own files (a standalone project) or the workspace's adjustments
 * (a service in a monorepo, whose root owns them). Generation and `update` both render through
 * here, so an update compares against exactly what generation writes.
 */
export async function planService(request: Omit<RenderRequest, 'workspaceDir'>, target: string, mono: MonorepoPlan | undefined): Promise<PlannedFile[]> {
  const workspaceDir = mono && path.relative(mono.workspace.root, target).split(path.sep).join('/');
  const plan = await planProject(templateData({ ...request, workspaceDir }));
  if (!mono) return withPackageManagerFiles(plan, { pm: request.pm, version: request.pmVersion });
  // monorepo mode only: its modules load when a workspace is found. The root decides about the
  // install scripts the service's dependencies bring, in its registration edit.
  const { adaptToWorkspace, withBuildScriptDecision } = await import('./monorepo.js');
  const pkg = plan.find((file) => file.path === 'package.json');
  if (pkg) await withBuildScriptDecision(mono, buildScriptsNotRun(JSON.parse(pkg.contents.toString('utf8')) as Record<string, Record<string, string>>));
  return withWorkspaceDockerIgnore(await adaptToWorkspace(plan, mono, target));
}

import type { PromptObject } from 'prompts';
import { CancelledError } from '../shared/errors.js';
import { dirNameProblem, packageNameProblem } from '../shared/names.js';
import { TEMPLATES, type TemplateId, type TemplateOption } from '../shared/registry.js';

/**
 * The interactive questions, kept apart from the logic that decides which ones to ask.
 * `prompts` resolves to `{}` on Ctrl-C unless onCancel says otherwise: we throw, so the
 * boundary prints "cancelled" and exits 130 before anything touched the disk.
 */
async function ask<T>(question: PromptObject<'value'>): Promise<T> {
  const { default: prompts } = await import('prompts'); // loaded only when a person is asked
  const answer = await prompts(question, {
    onCancel: () => {
      throw new CancelledError();
    },
  });
  return answer.value as T;
}

export function askTemplate(initial: TemplateId): Promise<TemplateId> {
  return ask<TemplateId>({
    type: 'select',
    name: 'value',
    message: 'Template',
    choices: TEMPLATES.map((t) => ({ title: t.title, description: t.description, value: t.id })),
    initial: Math.max(0, TEMPLATES.findIndex((t) => t.id === initial)),
  });
}

export function askDirectory(initial: string): Promise<string> {
  return ask<string>({
    type: 'text',
    name: 'value',
    message: 'Target directory',
    initial,
    validate: (value: string) => (value.trim() === '' ? 'Type a directory name' : (dirNameProblem(value.trim()) ?? true)),
    format: (value: string) => value.trim(),
  });
}

export function askPackageName(initial: string): Promise<string> {
  return ask<string>({
    type: 'text',
    name: 'value',
    message: 'Package name',
    initial,
    validate: (value: string) => packageNameProblem(value) ?? true,
  });
}

export function askInstall(command: string): Promise<boolean> {
  return ask<boolean>({ type: 'confirm', name: 'value', message: `Install dependencies now (${command})?`, initial: true });
}

export function askOption(option: TemplateOption): Promise<string | boolean> {
  if (option.kind === 'boolean') {
    return ask<boolean>({ type: 'confirm', name: 'value', message: option.title, initial: option.default === true });
  }
  const choices = option.choices ?? [];
  return ask<string>({
    type: 'select',
    name: 'value',
    message: option.title,
    choices: choices.map((c) => ({ title: c.title, value: c.value })),
    initial: Math.max(0, choices.findIndex((c) => c.value === option.default)),
  });
}

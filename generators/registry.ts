/**
 * The one table of templates. It drives --help, validation of --template, the interactive
 * choices, the render step and the test matrix: adding a template is one row here and one
 * folder under templates/<id>/.
 */
export const TEMPLATES = [
  {
    id: 'http-fastify',
    title: 'HTTP service (Fastify)',
    description: 'Fastify 5 service with an onReady/onClose lifespan, /live and /ready probes',
    guarantees: [
      'resources (undici pool, piscina pool) opened in onReady and closed in onClose',
      'SIGTERM/SIGINT: /ready turns 503, drain delay, in-flight requests finish, exit 0',
      'keep-alive clients neither stall shutdown nor see a connection reset',
      'second signal, shutdown timeout or fatal error: exit 1',
    ],
  },
] as const;

export type Template = (typeof TEMPLATES)[number];
export type TemplateId = Template['id'];

export const DEFAULT_TEMPLATE: TemplateId = 'http-fastify';

export const TEMPLATE_IDS: readonly TemplateId[] = TEMPLATES.map((t) => t.id);

export function findTemplate(id: string): Template | undefined {
  return TEMPLATES.find((t) => t.id === id);
}

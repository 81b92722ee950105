import { describe, expect, it } from 'vitest';
import { camelCase, entryFor, entryFromModule, nameProblem } from '../../generators/add/naming.js';

describe('names of routes', () => {
  it.each([
    ['orders', 'orders', 'ordersRoutes', 'GET /orders'],
    ['/orders', 'orders', 'ordersRoutes', 'GET /orders'],
    ['orders/recent', 'orders-recent', 'ordersRecentRoutes', 'GET /orders/recent'],
    ['order-items', 'order-items', 'orderItemsRoutes', 'GET /order-items'],
    ['v2/stats', 'v2-stats', 'v2StatsRoutes', 'GET /v2/stats'],
  ])('%s → src/routes/%s.ts exporting %s (%s)', (name, module, identifier, label) => {
    expect(nameProblem('route', name)).toBeUndefined();
    expect(entryFor('route', name)).toMatchObject({ module, identifier, label });
  });

  it.each(['', '/', 'Orders', 'orders/', 'orders//x', 'orders/:id', '2fa', 'a_b', 'a--b', '-a', 'a b', 'a/../b', `a${'b'.repeat(100)}`])(
    'refuses %j and says what a route path looks like',
    (name) => {
      expect(nameProblem('route', name)).toMatch(/^invalid route name .*: expected a URL path of lowercase letters, digits and dashes.*e\.g\. orders$/);
    },
  );

  it.each(['live', 'ready', 'index', 'health', 'openapi', '/live'])('refuses %j: the template has it', (name) => {
    expect(nameProblem('route', name)).toMatch(/is taken by the template: .+; choose another name$/);
  });
});

describe('names of commands', () => {
  it.each([
    ['ping', 'ping', 'pingHandler', '/ping'],
    ['/ping', 'ping', 'pingHandler', '/ping'],
    ['send_report', 'send-report', 'sendReportHandler', '/send_report'],
    ['a1', 'a1', 'a1Handler', '/a1'],
  ])('%s → src/handlers/%s.ts exporting %s', (name, module, identifier, label) => {
    expect(nameProblem('command', name)).toBeUndefined();
    expect(entryFor('command', name)).toMatchObject({ module, identifier, label });
  });

  it.each(['Ping', 'send-report', 'a__b', '_a', 'a_', '1a', 'ping pong', 'x'.repeat(33)])('refuses %j', (name) => {
    expect(nameProblem('command', name)).toMatch(/^invalid command name .*: expected a Telegram command/);
  });

  it.each(['echo', 'index'])('refuses %j: the template has it', (name) => {
    expect(nameProblem('command', name)).toMatch(/is taken by the template/);
  });
});

describe('names of jobs', () => {
  it.each([
    ['invoice.send', 'invoice-send', 'invoiceSendJob'],
    ['cleanup', 'cleanup', 'cleanupJob'],
    ['report.v2.render', 'report-v2-render', 'reportV2RenderJob'],
  ])('%s → src/jobs/%s.ts exporting %s', (name, module, identifier) => {
    expect(nameProblem('job', name)).toBeUndefined();
    expect(entryFor('job', name)).toMatchObject({ name, module, identifier, label: name });
  });

  it.each(['Invoice.send', 'invoice-send', 'invoice_send', 'invoice..send', '.send', 'send.', '1.send', 'a/b', ''])('refuses %j', (name) => {
    expect(nameProblem('job', name)).toMatch(/^invalid job name .*: expected a job type/);
  });

  it.each(['index', 'handlers'])('refuses %j: the template has it', (name) => {
    expect(nameProblem('job', name)).toMatch(/is taken by the template/);
  });
});

describe('modules listed in a registration point', () => {
  it('map back to the same entry (a job type is recovered from its file)', () => {
    expect(entryFromModule('job', 'invoice-send')).toEqual(entryFor('job', 'invoice.send'));
    expect(entryFromModule('command', 'send-report')).toEqual(entryFor('command', 'send_report'));
    expect(entryFromModule('route', 'orders')).toEqual(entryFor('route', 'orders'));
  });

  it.each(['Orders', 'orders_x', '../x', 'a--b', ''])('%j is no entry', (module) => {
    expect(entryFromModule('route', module)).toBeUndefined();
  });

  it('camelCase keeps digits', () => {
    expect(camelCase('a-b-2')).toBe('aB2');
    expect(camelCase('email-send')).toBe('emailSend');
  });
});

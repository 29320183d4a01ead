/**
 * What an operator writes over the placeholders of Pulumi.stage.yaml and Pulumi.main.yaml before their first
 * deploy (docs/deploying.md, "Before the first deploy"). The committed files keep the placeholders, which infra/config.ts
 * refuses, so every test that runs stage or main under mocks passes these as `runStack` overrides. Real-looking
 * values (no name under a reserved example domain, no REPLACE in the zone id), one alarm address each: the URN
 * fixtures hold one e-mail subscription per stack.
 */
const FILLED_IN: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {
  stage: {
    'orders:alarmNotifications': { emails: ['orders-oncall@northwind-shop.com'], httpsEndpoints: [] },
    'orders:domain': { hostname: 'orders-stage.northwind-shop.com', hostedZoneId: 'Z04517273FZ1CNKSWM5QK' },
  },
  main: {
    'orders:alarmNotifications': { emails: ['orders-oncall@northwind-shop.com'], httpsEndpoints: [] },
    'orders:domain': { hostname: 'orders.northwind-shop.com', hostedZoneId: 'Z04517273FZ1CNKSWM5QK' },
  },
};

/** The overrides that make `stack`'s committed file deployable (none for development, which has no placeholders). */
export const filledIn = (stack: string): Record<string, unknown> => ({ ...FILLED_IN[stack] });

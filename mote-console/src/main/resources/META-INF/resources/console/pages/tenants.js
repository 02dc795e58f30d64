import { ownersPage } from './users.js';

export function tenantsPage(ctx) {
  return ownersPage(ctx, { title: 'Tenants', path: '/api/tenant', listPath: '/api/tenants', entity: 'tenant', owner: 'tenant', authority: 'TENANT_ADMIN', usersTitle: 'Tenant administrators' });
}

import { ownersPage } from './users.js';

export function customersPage(ctx) {
  return ownersPage(ctx, { title: 'Customers', path: '/api/customer', listPath: '/api/customers', entity: 'customer', owner: 'customer', authority: 'CUSTOMER_USER', usersTitle: 'Users' });
}

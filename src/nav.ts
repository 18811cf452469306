import type { Role } from './users/roles.js';

export interface NavItem {
  href: string;
  label: string;
  roles?: Role[];
}

// The main navigation; each feature adds its entry here.
const items: NavItem[] = [
  { href: '/', label: 'common:nav.home' },
  { href: '/dashboard', label: 'dashboard:nav' },
  { href: '/partners', label: 'partners:nav' },
  { href: '/agreements', label: 'agreements:nav' },
  { href: '/meetings', label: 'meetings:nav' },
  { href: '/tasks', label: 'tasks:nav' },
  { href: '/retrospectives', label: 'retrospectives:nav' },
  { href: '/admin/users', label: 'common:nav.users', roles: ['admin'] },
  { href: '/admin/outbox', label: 'reminders:outbox.title', roles: ['admin'] },
  { href: '/admin/dev-mail', label: 'common:nav.devMail', roles: ['admin'] },
  { href: '/admin/backups', label: 'backup:nav', roles: ['admin'] },
  { href: '/admin/task-templates', label: 'tasks:templates.title', roles: ['admin'] },
  { href: '/readiness', label: 'readiness:nav', roles: ['admin', 'manager'] },
  { href: '/admin/kpi-thresholds', label: 'agreements:thresholds.title', roles: ['admin'] },
  { href: '/admin/organization', label: 'common:nav.organization', roles: ['admin'] },
];

export const navFor = (role: Role | undefined): NavItem[] => (role ? items.filter((i) => !i.roles || i.roles.includes(role)) : []);

// The benchmark's baseline: a bare Express + EJS server that renders the same partner-list template
// (with the same layout, i18n and view helpers) from an in-memory array: no database, no session.
import express from 'express';
import http from 'node:http';
import path from 'node:path';
import { Types } from 'mongoose';
import { projectRoot } from '../../src/config.js';
import { i18nMiddleware } from '../../src/i18n/index.js';
import { layoutMiddleware } from '../../src/http/render.js';
import { viewHelpers } from '../../src/http/view-helpers.js';
import { pagination } from '../../src/http/paginate.js';
import { listQuerySchema } from '../../src/partners/schemas.js';
import { partnerTypes, priorities, resourceCategories, stages } from '../../src/partners/constants.js';

export function startBaseline(port: number): Promise<http.Server> {
  const owner = new Types.ObjectId();
  const items = Array.from({ length: 25 }, (_, i) => ({
    _id: new Types.ObjectId(),
    name: `Organisme partenaire ${i}`,
    type: partnerTypes[i % partnerTypes.length],
    stage: stages[i % stages.length],
    region: 'Montréal',
    ownerId: owner,
    tags: ['jeunesse'],
    priority: 'medium',
    updatedAt: new Date(),
  }));
  const app = express();
  app.set('views', path.join(projectRoot, 'views'));
  app.set('view engine', 'ejs');
  app.enable('view cache');
  app.use(i18nMiddleware, layoutMiddleware, viewHelpers);
  app.get('/', (req, res) => {
    res.locals.csrfToken = '';
    res.render('partners/index', {
      title: req.t('partners:list.title'),
      items,
      owners: { [String(owner)]: 'Owner' },
      q: listQuerySchema.parse({}),
      users: [{ _id: owner, name: 'Owner' }],
      regions: ['Montréal', 'Laval'],
      pager: pagination({ page: 1, perPage: 25 }, 20000),
      partnerTypes,
      stages,
      priorities,
      resourceCategories,
    });
  });
  const server = http.createServer(app);
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

// Run directly: tsx scripts/bench/baseline.ts PORT
if (process.argv[1] && import.meta.filename === process.argv[1]) await startBaseline(Number(process.argv[2] ?? 3999));

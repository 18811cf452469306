// Builds the Express app without listening, so tests get the real app without a port.
import { commandCountMiddleware } from './db/command-counter.js';
import { directoriesAsOfRequest } from './db/directory.js';
import { SessionStore } from './http/session-store.js';
import crypto from 'node:crypto';
import path from 'node:path';
import compression from 'compression';
import cookieParser from 'cookie-parser';
import express, { type Express } from 'express';
import session from 'express-session';
import mongoose from 'mongoose';
import { pinoHttp } from 'pino-http';
import { config, projectRoot } from './config.js';
import { logger } from './logger.js';
import { passport } from './auth/passport.js';
import { setupNeeded } from './auth/service.js';
import { bodyParseErrors, formBody } from './http/body.js';
import { errorHandler, notFoundHandler } from './http/error-handler.js';
import { flashMiddleware } from './http/flash.js';
import { requireUser } from './http/guards.js';
import { layoutMiddleware } from './http/render.js';
import { csrfLocals, csrfSynchronisedProtection, securityHeaders } from './http/security.js';
import { healthReport } from './health.js';
import { i18nMiddleware, userLanguage } from './i18n/index.js';
import { viewHelpers } from './http/view-helpers.js';
import { memberRouters, publicRouters } from './routes.js';

export const SESSION_COOKIE = 'passerelle.sid';
const ANONYMOUS_SESSION_MS = 30 * 60_000;

export function createApp(): Express {
  const app = express();
  app.set('views', path.join(projectRoot, 'views'));
  app.set('view engine', 'ejs');
  app.set('trust proxy', config.trustProxy ? 1 : false);
  app.set('query parser', 'simple');
  app.disable('x-powered-by');
  if (config.isProduction) app.enable('view cache');

  app.use(
    pinoHttp({
      logger,
      genReqId: (req, res) => {
        const id = crypto.randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      autoLogging: { ignore: (req) => (req.url ?? '').startsWith('/public/') },
    }),
  );
  app.use(commandCountMiddleware);
  app.use(directoriesAsOfRequest);
  app.use(securityHeaders);
  // Language and layout come before the body parser and the session, so an error raised by either
  // (a body too large, the session store unreachable) still gets a whole, translated page.
  app.use(i18nMiddleware);
  app.use(layoutMiddleware);
  app.use(compression());
  app.use('/public', express.static(path.join(projectRoot, 'public'), { maxAge: config.isProduction ? '7d' : 0, index: false }));
  app.get('/favicon.ico', (_req, res) => res.redirect(301, '/public/favicon.svg'));

  app.get('/healthz', async (_req, res) => {
    const report = await healthReport();
    res.status(report.status === 'ok' ? 200 : 503).json(report);
  });

  app.use(formBody({ extended: false, limit: '200kb', parameterLimit: 2000 }));
  // The pre-sign-in CSRF token's cookie (src/http/security.ts) is read from req.cookies.
  app.use(cookieParser());
  app.use(
    session({
      name: SESSION_COOKIE,
      secret: config.sessionSecret,
      resave: false,
      saveUninitialized: false,
      rolling: true,
      cookie: { httpOnly: true, sameSite: 'lax', secure: config.trustProxy ? 'auto' : false, maxAge: 8 * 3600_000 },
      // Expired sessions are removed by the periodic maintenance (no TTL index on FerretDB).
      store: new SessionStore({
        client: mongoose.connection.getClient(),
        collectionName: 'sessions',
        autoRemove: 'disabled',
        touchAfter: 300,
      }),
    }),
  );
  app.use(passport.initialize());
  app.use(passport.session());
  // A session without a user (a message carried to the next page, the page to return to after
  // sign-in, or one whose user was signed out) is kept for half an hour, not for a working day.
  app.use((req, _res, next) => {
    if (!req.user && req.session) req.session.cookie.maxAge = ANONYMOUS_SESSION_MS;
    next();
  });
  app.use(userLanguage);
  app.use(flashMiddleware);
  app.use(viewHelpers);
  app.use(bodyParseErrors);
  app.use(csrfSynchronisedProtection);
  app.use(csrfLocals);

  // Until the first administrator exists, every page leads to setup.
  let setupDone = false;
  app.use(async (req, res, next) => {
    if (setupDone || req.path === '/setup' || req.path === '/language') return next();
    setupDone = !(await setupNeeded());
    if (setupDone || req.method !== 'GET') return next();
    res.redirect('/setup');
  });

  for (const router of publicRouters) app.use(router);
  app.use(requireUser);
  for (const router of memberRouters) app.use(router);

  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}

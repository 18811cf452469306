import { Router } from 'express';

export const homeRouter = Router();

homeRouter.get('/', (req, res) => {
  res.render('home/index', { title: req.t('home:title') });
});

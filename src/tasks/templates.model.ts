import { Schema, model } from 'mongoose';

// Reusable action plans: a list of tasks with due-date offsets, applied to a partner in one click.
const templateSchema = new Schema(
  {
    name: { type: String, required: true, trim: true, maxlength: 200 },
    items: {
      type: [{ title: { type: String, required: true, maxlength: 300 }, offsetDays: { type: Number, required: true, min: 0, max: 3650 } }],
      default: [],
    },
  },
  { timestamps: true },
);
templateSchema.index({ name: 1 });

export const TaskTemplateModel = model('TaskTemplate', templateSchema);

/** The standard's D3 steps, offered when no template exists yet. */
export const d3Steps = {
  en: [
    [0, 'Confirm interest in a partnership'],
    [7, 'Define shared goals and objectives'],
    [14, 'Assess collaboration possibilities (shared resources and services)'],
    [21, 'Define requirements: schedules, financial mechanisms, reporting, success indicators'],
    [30, 'Draft the action plan toward the partnership’s objectives'],
  ],
  fr: [
    [0, 'Confirmer l’intérêt à nouer un partenariat'],
    [7, 'Définir les buts et les objectifs communs'],
    [14, 'Évaluer les possibilités de collaboration (ressources et services partagés)'],
    [21, 'Définir les exigences : horaires, mécanismes financiers, rapports, indicateurs de succès'],
    [30, 'Élaborer le plan d’action pour atteindre les objectifs du partenariat'],
  ],
} as const;

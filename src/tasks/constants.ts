export const taskStatuses = ['open', 'in_progress', 'done', 'cancelled'] as const;
export type TaskStatus = (typeof taskStatuses)[number];
export const taskSources = ['manual', 'action_plan', 'meeting', 'progress_check'] as const;

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

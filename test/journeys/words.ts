// What each person reads, in each language: written here by hand (not read from the locale files), so
// a missing or untranslated string fails the journey instead of being compared with itself.
export type Lang = 'fr' | 'en';

const fr = {
  signIn: 'Se connecter',
  welcome: (name: string) => `Bienvenue, ${name}`,
  setupTitle: 'Configurer Passerelle',
  setupSubmit: 'Créer l’administrateur',
  setupDone: 'Bienvenue! Votre compte administrateur est prêt.',
  navUsers: 'Utilisateurs',
  navSentMail: 'Courriels envoyés',
  invite: 'Inviter un utilisateur',
  inviteSubmit: 'Envoyer l’invitation',
  inviteSent: (email: string) => `Invitation envoyée à ${email}.`,
  inviteSubject: 'Vous êtes invité dans Passerelle',
  inviteBody: (inviter: string) => `${inviter} vous invite à rejoindre votre équipe dans Passerelle`,
  joinTitle: 'Rejoindre Passerelle',
  joinSubmit: 'Créer mon compte',
  joinDone: 'Bienvenue dans Passerelle! Votre compte est prêt.',
  roles: { manager: 'Gestionnaire', professional: 'Professionnel du développement de carrière' },
  invited: 'Invité',
};
type Shape = { [K in keyof typeof fr]: (typeof fr)[K] extends (...a: never[]) => string ? (...a: Parameters<(typeof fr)[K]>) => string : (typeof fr)[K] };

const en: Shape = {
  signIn: 'Sign in',
  welcome: (name) => `Welcome, ${name}`,
  setupTitle: 'Set up Passerelle',
  setupSubmit: 'Create the administrator',
  setupDone: 'Welcome! Your administrator account is ready.',
  navUsers: 'Users',
  navSentMail: 'Mail outbox',
  invite: 'Invite a user',
  inviteSubmit: 'Send the invitation',
  inviteSent: (email) => `Invitation sent to ${email}.`,
  inviteSubject: 'You are invited to Passerelle',
  inviteBody: (inviter) => `${inviter} invites you to join your team on Passerelle`,
  joinTitle: 'Join Passerelle',
  joinSubmit: 'Create my account',
  joinDone: 'Welcome to Passerelle! Your account is ready.',
  roles: { manager: 'Manager', professional: 'Career development professional' },
  invited: 'Invited',
};

export const words: Record<Lang, Shape> = { fr, en };
export type Words = Shape;

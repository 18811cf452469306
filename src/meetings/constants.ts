export const meetingKinds = ['exploration', 'planning', 'progress_check', 'review', 'other'] as const;
export type MeetingKind = (typeof meetingKinds)[number];
export const attendeeResponses = ['none', 'accepted', 'declined'] as const;

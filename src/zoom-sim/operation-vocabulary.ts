/**
 * Names that appear in operation_detail texts: groups, roles and their
 * privileges, departments, rooms, meeting topics, plans. Data only.
 */
import { CUSTOM_ROLES } from './population-tables.js';

export const GROUP_NAMES = [
  'Engineers',
  'Sales',
  'Marketing',
  'Support',
  'Springfield',
  'Finance',
  'Legal',
  'Contractors',
  'Executives',
  'Customer Success',
  'Berlin Office',
  'Interns',
] as const;
export const ROLE_PRIVILEGES = [
  'View Dashboard',
  'Edit Users',
  'View Usage Reports',
  'View Operation Logs',
  'Manage Zoom Rooms',
  'Edit Account Settings',
  'View Recordings',
] as const;
export const DEPARTMENTS = ['Engineering', 'Sales', 'Marketing', 'Finance', 'Support', 'Legal', 'People Ops', 'IT', 'Operations', 'Product'] as const;
export const JOB_TITLES = [
  'Contractor',
  'Software Engineer',
  'Account Executive',
  'Product Manager',
  'Designer',
  'Support Specialist',
  'Director of Sales',
  'Intern',
  'IT Administrator',
  'Recruiter',
] as const;
export const LOCATIONS = ['Berlin', 'San Francisco', 'London', 'Austin', 'Singapore', 'Remote'] as const;
export const ROOMS = ['Boardroom 3F', 'Huddle 2A', 'Huddle 2B', 'Training Room', 'Lobby Kiosk', 'Focus Room 5'] as const;
export const ROOM_SETTINGS = ['Allow screen sharing', 'Enable auto-answer', 'Show meeting topic on Zoom Rooms display', 'Enable wireless screen share'] as const;
export const MEETING_TOPICS = ['Weekly Sync', 'All Hands', 'Sprint Review', 'Customer Onboarding', '1:1', 'Board Prep', 'Design Review'] as const;
export const PLANS = ['Business', 'Pro', 'Large Meetings 500', 'Webinar 500', 'Cloud Recording 1TB'] as const;
export const SUB_ACCOUNTS = ['EMEA Branch', 'APAC Branch', 'Research Lab'] as const;
/** Roles background role changes move people to: Member most often, never a privileged role. */
export const NON_PRIVILEGED_ROLES = ['Member', 'Member', 'Member', ...CUSTOM_ROLES] as const;
/** Webinar and IM settings, both of which background traffic turns on and off freely. */
export const WEBINAR_SETTINGS = ['Q&A', 'Practice session', 'Attendee chat', 'Webinar polls'] as const;
export const IM_SETTINGS = ['Allow users to send files', 'Allow users to share screenshots', 'Show link previews'] as const;

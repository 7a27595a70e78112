/**
 * The simulated account's people and devices: names, custom roles, Zoom client
 * versions, home network prefixes and working hours. Data only; the population
 * is drawn from these by simulated-population.ts.
 */

export const FIRST_NAMES = [
  'alex',
  'amara',
  'ana',
  'ben',
  'carlos',
  'chen',
  'chloe',
  'daniel',
  'dev',
  'diego',
  'elena',
  'emma',
  'fatima',
  'felix',
  'grace',
  'hana',
  'hugo',
  'ines',
  'isaac',
  'jamal',
  'jordan',
  'julia',
  'kai',
  'kenji',
  'lara',
  'leo',
  'lina',
  'lucas',
  'maya',
  'mei',
  'mohammed',
  'nadia',
  'noah',
  'olivia',
  'omar',
  'priya',
  'rafael',
  'rosa',
  'sam',
  'sara',
  'sofia',
  'tariq',
  'theo',
  'uma',
  'victor',
  'wei',
  'yara',
  'yusuf',
  'zoe',
  'zara',
] as const;

export const LAST_NAMES = [
  'adams',
  'ahmed',
  'alvarez',
  'baker',
  'becker',
  'brown',
  'chen',
  'cohen',
  'costa',
  'diaz',
  'dubois',
  'evans',
  'fischer',
  'garcia',
  'gupta',
  'hansen',
  'hughes',
  'ito',
  'jensen',
  'kim',
  'kowalski',
  'kumar',
  'lee',
  'lopez',
  'martin',
  'meyer',
  'moreau',
  'murphy',
  'nakamura',
  'nguyen',
  'novak',
  'okafor',
  'olsen',
  'patel',
  'perez',
  'rossi',
  'santos',
  'schmidt',
  'silva',
  'singh',
  'suzuki',
  'tanaka',
  'taylor',
  'thompson',
  'walker',
  'wang',
  'weber',
  'wilson',
  'wong',
  'young',
] as const;

/** How many people the account has. */
export const POPULATION_SIZE = 50;
/** Custom roles an account has defined; none of them is privileged. */
export const CUSTOM_ROLES = ['Auditors', 'Help Desk', 'Report Viewer', 'Zoom Rooms Manager', 'IT Support'] as const;
/** Spare name pairs, never in the population, for users being added. */
export const NEW_HIRE_COUNT = 40;

// Real records: `client_type` in lower case (`mac`, `windows`, `android`, `ios`)
// or `Browser`; `version` four dotted numbers (`5.13.7.15481`), `-` for Browser.
export const DESKTOP_VERSIONS = ['5.13.7.15481', '5.15.7.21404', '5.16.10.26186', '5.17.5.31030', '5.17.11.34827', '6.0.2.33403', '6.0.11.39959', '6.1.5.48206'] as const;
export const MOBILE_VERSIONS = ['5.13.7.8793', '5.17.10.20256', '6.0.2.21130', '6.0.11.22450', '6.1.1.23211'] as const;
/** What a Browser sign-in reports as its version. */
export const BROWSER_VERSION = '-';

// Home connections: mostly documentation ranges, some public-looking ISP prefixes
// so that IP based features (geolocation, threat intel) see realistic values.
export const WORK_STARTS_UTC_HOURS = [13, 13, 14, 15, 16, 7, 8, 8, 1] as const;

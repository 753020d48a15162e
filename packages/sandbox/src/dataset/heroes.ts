/**
 * Customers whose shape tests and the demo rely on. They are hand-written (same name, people and
 * key facts for every seed); only their vendor ids depend on the seed. See README.md.
 */
export const HERO = {
  /** In all five systems (both CRMs agree); a posted invoice 45 days overdue; an urgent open ticket. */
  everywhere: 'helix-robotics',
  /** In Salesforce and HubSpot with conflicting name spelling, employees, industry and phone. */
  crmConflict: 'brightwater-logistics',
  /** Paid up, no urgent or open high-priority tickets, open pipeline in Salesforce. */
  healthy: 'lumen-analytics',
  /** Only in HubSpot (came with the Polar Parts acquisition) and Odoo. */
  hubspotAndOdooOnly: 'fjord-outdoor',
  /** Its main contact writes from a gmail.com address. */
  freeMail: 'atelier-moreau',
} as const;

export type HeroKey = (typeof HERO)[keyof typeof HERO];

/** Emails of the hero people that the demo and tests look customers up by. */
export const HERO_EMAILS = {
  everywhere: 'maya.lindqvist@helix-robotics.com',
  crmConflict: 'jonas.weber@brightwater-logistics.de',
  healthy: 'priya.raman@lumen-analytics.io',
  hubspotAndOdooOnly: 'ingrid.solberg@fjordoutdoor.no',
  freeMail: 'claire.moreau.atelier@gmail.com',
} as const;

/**
 * The built-in domains, loaded lazily so that a symbolic search never pays
 * for importing TensorFlow.js.
 */
import type { Domain, DomainFactory } from './domain.js';

export interface BuiltinDomain {
  name: string;
  description: string;
  load(): Promise<{ default: DomainFactory | Domain }>;
}

export const BUILTIN_DOMAINS: readonly BuiltinDomain[] = [
  {
    name: 'symbolic',
    description: 'Symbolic regression over expression trees; constants fitted by Levenberg-Marquardt, scored by held-out R^2.',
    load: () => import('../evaluators/symbolic/index.js'),
  },
];

export function findBuiltinDomain(name: string): BuiltinDomain | undefined {
  return BUILTIN_DOMAINS.find((d) => d.name === name);
}

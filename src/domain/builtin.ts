/**
 * The built-in domains, loaded lazily so that a symbolic search never pays
 * for importing TensorFlow.js (nor needs it installed).
 */
import type { Domain, DomainFactory } from './domain.js';
import { requirePackages, TFJS_PACKAGES } from './optional-packages.js';

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
  {
    name: 'nas-cell',
    description: 'NAS-Bench-101 cells trained on real MNIST digits with TensorFlow.js; forward-probe or short-train functional hash.',
    load: () => {
      requirePackages([...TFJS_PACKAGES, 'mnist'], 'the nas-cell domain');
      return import('../evaluators/nas-cell/index.js');
    },
  },
  {
    name: 'diffusion-sampler',
    description: 'Diffusion samplers (solver x schedule x steps) scored against a reference ODE solution; probe = final samples.',
    load: () => import('../evaluators/diffusion-sampler/index.js'),
  },
  {
    name: 'discrete-sampler',
    description: 'Absorbing discrete diffusion samplers (grid / unmask-k, RADD cache) vs an exact Markov chain; probe = sampled tokens.',
    load: () => import('../evaluators/discrete-sampler/index.js'),
  },
  {
    name: 'automl-zero',
    description: 'AutoML-Zero: learning algorithms from basic math ops (Setup/Predict/Learn), compiled to JavaScript; probe = errors on a few examples.',
    load: () => import('../evaluators/automl-zero/index.js'),
  },
];

export function findBuiltinDomain(name: string): BuiltinDomain | undefined {
  return BUILTIN_DOMAINS.find((d) => d.name === name);
}

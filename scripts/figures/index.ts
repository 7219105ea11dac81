/** The registry of figures: `latentgym figures list` shows them in this order. */
import type { Figure } from './figure.js';
import { ppoPendulum } from './ppo-pendulum.js';

export const FIGURES: readonly Figure[] = [ppoPendulum];

export function findFigure(name: string): Figure | undefined {
  return FIGURES.find((f) => f.name === name);
}

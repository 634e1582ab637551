import { maxNodeScore, type NodeScore } from '../framework/plugin';

/**
 * Kubernetes' DefaultNormalizeScore: scales scores so the highest becomes maxNodeScore; `reverse` flips them so
 * that the lowest raw score wins. All-zero scores stay 0 (or all become maxNodeScore when reversed).
 */
export function defaultNormalizeScore(scores: NodeScore[], reverse: boolean): void {
  let max = 0;
  for (const s of scores) if (s.score > max) max = s.score;
  if (max === 0) {
    if (reverse) for (const s of scores) s.score = maxNodeScore;
    return;
  }
  for (const s of scores) {
    const scaled = Math.trunc((maxNodeScore * s.score) / max);
    s.score = reverse ? maxNodeScore - scaled : scaled;
  }
}

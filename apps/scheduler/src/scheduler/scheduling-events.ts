import type { KObject } from '@skiff/api';
import type { EventRecorder, EventType } from '@skiff/client';

/**
 * Events the scheduler records, through the shared recorder (which aggregates repeats). Routine events are
 * dropped, and counted, when too many writes are already waiting, so a burst of pods cannot build an unbounded
 * backlog of Event writes (client-go's broadcaster drops when its queue is full for the same reason).
 */
export class SchedulingEvents {
  private pending = 0;

  constructor(
    private readonly recorder: EventRecorder,
    private readonly onDrop: () => void = () => undefined,
    private readonly maxPending = 1000,
  ) {}

  record(obj: KObject, type: EventType, reason: string, message: string, droppable = false): void {
    if (droppable && this.pending >= this.maxPending) {
      this.onDrop();
      return;
    }
    this.pending++;
    this.recorder.event(obj, type, reason, message);
    // Writes are sequential, so the flush promise taken now settles when this event has been written.
    void this.recorder.flush().then(() => this.pending--);
  }

  get backlog(): number {
    return this.pending;
  }

  flush(): Promise<void> {
    return this.recorder.flush();
  }
}

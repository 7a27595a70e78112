import { zoomActivityDataModel, zoomOperationDataModel } from '../normalize/data-models.js';
import type { RuleEvent } from './rule-event.js';

const udmViews = new WeakMap<RuleEvent, Readonly<Record<string, unknown>>>();

/** The event's fields, with `p_udm` computed when absent (rule tests, `rules run` on raw Zoom events). */
export function fieldsWithUdm(event: RuleEvent): Readonly<Record<string, unknown>> {
  if (event.fields.p_udm !== undefined) return event.fields;
  let view = udmViews.get(event);
  if (!view) {
    const f = event.fields;
    const activity = f.p_log_type === 'Zoom.Activity' || (f.p_log_type === undefined && 'type' in f && !('category_type' in f));
    view = { ...f, p_udm: activity ? zoomActivityDataModel(f) : zoomOperationDataModel(f) };
    udmViews.set(event, view);
  }
  return view;
}

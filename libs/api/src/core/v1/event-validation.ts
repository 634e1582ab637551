import { FieldPath, invalid, notSupported, required, type FieldError } from '../../validation/field-errors';
import { check, isDNS1123Subdomain } from '../../validation/names';
import type { Event } from './event';

export const eventTypes = ['Normal', 'Warning'] as const;

const maxReasonLength = 128;
const maxActionLength = 128;
const maxReportingLength = 128;

export function validateEvent(ev: Event): FieldError[] {
  const errs: FieldError[] = [];
  const involved = ev.involvedObject;
  if (!involved) return [required('involvedObject')];
  const ip = FieldPath.root('involvedObject');
  // Events about cluster-scoped objects live in `default` (or nowhere); others in the object's namespace.
  const eventNamespace = ev.metadata.namespace ?? '';
  const matches = involved.namespace ? eventNamespace === involved.namespace : eventNamespace === '' || eventNamespace === 'default';
  if (!matches) errs.push(invalid(ip.child('namespace'), involved.namespace ?? '', 'does not match event.namespace'));
  if (ev.type && !(eventTypes as readonly string[]).includes(ev.type)) errs.push(notSupported('type', ev.type, eventTypes));
  if ((ev.reason ?? '').length > maxReasonLength) errs.push(invalid('reason', ev.reason, `can have at most ${maxReasonLength} characters`));
  if ((ev.action ?? '').length > maxActionLength) errs.push(invalid('action', ev.action, `can have at most ${maxActionLength} characters`));
  // Events written through the newer API (eventTime set) must say who reported them and what happened.
  if (ev.eventTime) {
    if (!ev.reportingComponent) errs.push(required('reportingComponent'));
    else if (ev.reportingComponent.length > maxReportingLength) {
      errs.push(invalid('reportingComponent', ev.reportingComponent, `can have at most ${maxReportingLength} characters`));
    }
    if (!ev.reportingInstance) errs.push(required('reportingInstance'));
    else if (ev.reportingInstance.length > maxReportingLength) {
      errs.push(invalid('reportingInstance', ev.reportingInstance, `can have at most ${maxReportingLength} characters`));
    }
    if (!ev.action) errs.push(required('action'));
    if (!ev.reason) errs.push(required('reason'));
  }
  if (ev.source?.host) errs.push(...check(FieldPath.root('source', 'host'), ev.source.host, isDNS1123Subdomain));
  return errs;
}

/** Event fields usable in field selectors (`kubectl get events --field-selector involvedObject.name=web`). */
export function eventSelectableFields(ev: Event): Record<string, string> {
  const o = ev.involvedObject ?? {};
  return {
    'involvedObject.kind': o.kind ?? '',
    'involvedObject.namespace': o.namespace ?? '',
    'involvedObject.name': o.name ?? '',
    'involvedObject.uid': o.uid ?? '',
    'involvedObject.apiVersion': o.apiVersion ?? '',
    'involvedObject.resourceVersion': o.resourceVersion ?? '',
    'involvedObject.fieldPath': o.fieldPath ?? '',
    reason: ev.reason ?? '',
    reportingComponent: ev.reportingComponent ?? '',
    source: ev.source?.component ?? '',
    type: ev.type ?? '',
  };
}

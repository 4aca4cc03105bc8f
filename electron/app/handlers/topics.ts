import type { AreaHandlers, TopicsRequests } from '../../contract/index.js';
import { HandlerError } from '../../bridge/errors.js';
import { TemplateLimitError, type PublishTemplates } from '../../services/topics/publish-templates.js';
import type { TopicsService } from '../../services/topics/topics-service.js';
import { available, refusalsAsBadRequest } from './expected-errors.js';

export interface TopicsHandlerDeps {
  /** null when the broker could not be created at all */
  topics: TopicsService | null;
  templates: PublishTemplates;
}

function need(service: TopicsService | null): TopicsService {
  return available(service, 'the broker is not running, so there are no topics');
}

export function topicsHandlers(deps: TopicsHandlerDeps): AreaHandlers<TopicsRequests> {
  return {
    'topics.snapshot': async () => need(deps.topics).snapshot(),
    'topics.detail': ({ topicName }) => need(deps.topics).detail(topicName),
    'topics.retainedPayload': ({ topicName }) => need(deps.topics).retainedPayload(topicName),
    'topics.searchPayload': async ({ text, limit }) => need(deps.topics).searchPayload(text, limit),
    'topics.pause': async ({ paused }) => need(deps.topics).setPaused(paused),
    'topics.retainedCount': (scope) => need(deps.topics).retainedCount(scope),
    'topics.clearRetained': (scope) => need(deps.topics).clearRetained(scope),
    'topics.undoClear': async ({ undoId }) => {
      const result = await need(deps.topics).undoClear(undoId);
      if (!result) throw new HandlerError('not-found', 'nothing to undo: only the most recent clear can be undone, once');
      return result;
    },
    'topics.publish': async (msg) => {
      await need(deps.topics).publish(msg);
      return {};
    },
    'topics.templates': async () => deps.templates.list(),
    'topics.saveTemplate': (template) => refusalsAsBadRequest([TemplateLimitError], () => deps.templates.save(template)),
    'topics.deleteTemplate': ({ id }) => deps.templates.delete(id),
  };
}

import type { Problem } from '../problem.ts';
import type { ServiceEntry } from './service-entries.ts';

/**
 * Images are pinned: a tag other than `latest`, or a digest. An unpinned image changes under
 * the demo without a commit. Services that build their own image are exempt.
 */
export function checkImagePins(services: readonly ServiceEntry[]): Problem[] {
  return services.flatMap((entry): Problem[] => {
    if (entry.spec.build !== undefined) return [];
    const path = `services.${entry.name}.image`;
    const image = entry.spec.image;
    if (typeof image !== 'string' || image.trim() === '') {
      return [
        {
          file: entry.file,
          path: `services.${entry.name}`,
          message: 'has neither image nor build',
        },
      ];
    }
    const tag = imageTag(image);
    if (tag === 'digest') return [];
    if (tag === undefined) {
      return [{ file: entry.file, path, message: `image "${image}" has no tag (pin a version)` }];
    }
    if (tag === 'latest') {
      return [
        { file: entry.file, path, message: `image "${image}" uses "latest" (pin a version)` },
      ];
    }
    return [];
  });
}

/** The tag of an image reference, `digest` when pinned by digest, undefined when untagged. */
export function imageTag(image: string): string | undefined {
  if (image.includes('@')) return 'digest';
  // The registry host may carry a port (`localhost:5000/app`): the tag follows the last `/`.
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  const colon = lastSegment.indexOf(':');
  return colon === -1 ? undefined : lastSegment.slice(colon + 1);
}

import type { ControllerFactory } from './controller';

/**
 * Every controller by the name `--controllers` uses. Each entry is one line; a controller folder exports its factory.
 * Kept sorted by name.
 */
export const controllerFactories: Record<string, ControllerFactory> = {};

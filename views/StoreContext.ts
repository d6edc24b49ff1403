import {createContext} from 'react';
import type {CommandContext} from '../source/app/commands.js';
import type {Store} from '../source/store/store.js';

/** The app's one store instance, handed down from the root. */
export const StoreContext = createContext<Store | null>(null);

/** What commands act on besides the store: the scheduler and how to quit. */
export const CommandContextValue = createContext<Omit<CommandContext, 'store'> | null>(null);

import {Box, Text} from 'ink';
import {useCallback, useContext, type ReactNode} from 'react';
import {alertMarks} from '../source/alerts/list.js';
import {runCommand, typeIntoPrompt} from '../source/app/commands.js';
import {resolveKey} from '../source/app/keymap.js';
import {screenOf, type Detail} from '../source/store/screen.js';
import {PANES, type PaneId} from '../source/store/ui.js';
import {AlertDetail} from './AlertDetail.js';
import {AlertsPane} from './AlertsPane.js';
import {ContainerDetail} from './ContainerDetail.js';
import {ContainersPane} from './ContainersPane.js';
import {HelpOverlay} from './HelpOverlay.js';
import {HostPane} from './HostPane.js';
import {HostSummary, summaryHeight} from './HostSummary.js';
import {LocksPane} from './LocksPane.js';
import {SessionDetail} from './SessionDetail.js';
import {SessionsPane} from './SessionsPane.js';
import {ProcessDetail} from './ProcessDetail.js';
import {ProcessesPane} from './ProcessesPane.js';
import {StatusBar} from './StatusBar.js';
import {CommandContextValue} from './StoreContext.js';
import {useKeys} from './use-keys.js';
import {useStore, useStoreInstance} from './use-store.js';
import {useTerminalSize} from './use-terminal-size.js';

const PANE_TITLES: Record<PaneId, string> = {processes: 'Processes', host: 'Host', sessions: 'Sessions', locks: 'Locks', containers: 'Containers', alerts: 'Alerts'};

type BodyProps = {width: number; height: number};

/** What each pane draws, and each drill-down over it. */
const PANE_VIEWS: Record<PaneId, (props: BodyProps) => ReactNode> = {
	processes: ProcessesPane,
	host: HostPane,
	sessions: SessionsPane,
	locks: LocksPane,
	containers: ContainersPane,
	alerts: AlertsPane,
};

const DETAILS: Record<Detail, (props: BodyProps) => ReactNode> = {
	process: ProcessDetail,
	session: SessionDetail,
	container: ContainerDetail,
	alert: AlertDetail,
};

/** Rows the frame may use: one less than the terminal, so Ink never clears the whole screen. */
export function frameRows(terminalRows: number): number {
	return Math.max(terminalRows - 1, 10);
}

// A pane an unacknowledged alert points at is marked with `!` in its severity's colour.
function Tabs({pane}: {pane: PaneId}) {
	const marks = useStore(alertMarks).panes;
	return (
		<Text wrap="truncate-end">
			{PANES.map((id, index) => (
				<Text key={id} inverse={id === pane} bold={id === pane}>
					{` ${index + 1} ${PANE_TITLES[id]}${marks[id] ? '' : ' '}`}
					{marks[id] ? <Text color={marks[id] === 'critical' ? 'red' : 'yellow'}>!</Text> : null}
				</Text>
			))}
		</Text>
	);
}

type Props = {version: string};

/** The whole screen: host summary, pane tabs, the current pane and the status line. */
export function App({version}: Props) {
	const store = useStoreInstance();
	const commandContext = useContext(CommandContextValue);
	const {columns, rows: terminalRows} = useTerminalSize();
	const screen = useStore(screenOf);

	const rows = frameRows(terminalRows);
	const hasCharts = terminalRows >= 40 && columns >= 100;
	const paneHeight = Math.max(rows - summaryHeight(hasCharts) - 2, 3);

	const onKey = useCallback(
		(key: string) => {
			if (!commandContext) return;
			const state = store.getState();
			const command = resolveKey(screenOf(state).scopes, key);
			if (state.ui.notice) store.dispatch({type: 'notice', notice: null});
			if (command) {
				runCommand(command, {...commandContext, store});
			} else if (state.ui.input && Array.from(key).length === 1 && !/[\u0000-\u001f\u007f]/.test(key)) {
				// A character no binding of the prompt takes is typed into it.
				typeIntoPrompt(store, state.ui.input.text + key);
			}
		},
		[commandContext, store],
	);
	useKeys(onKey);

	if (screen.modal === 'help') {
		// The help takes the whole frame: at 80x24 the key table needs every row.
		return (
			<Box flexDirection="column" width={columns} height={rows}>
				<HelpOverlay width={columns} height={rows - 1} />
				<StatusBar />
			</Box>
		);
	}

	const Body = screen.detail ? DETAILS[screen.detail] : PANE_VIEWS[screen.pane];
	return (
		<Box flexDirection="column" width={columns} height={rows}>
			<HostSummary width={columns} hasCharts={hasCharts} version={version} />
			<Tabs pane={screen.pane} />
			<Box height={paneHeight} flexDirection="column" overflow="hidden">
				<Body width={columns} height={paneHeight} />
			</Box>
			<StatusBar />
		</Box>
	);
}

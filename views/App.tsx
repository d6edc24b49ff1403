import {Box, Text} from 'ink';
import {useCallback, useContext, type ReactNode} from 'react';
import {alertMarks} from '../source/alerts/list.js';
import {runCommand, typeIntoPrompt} from '../source/app/commands.js';
import {resolveKey, typedChar} from '../source/app/keymap.js';
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
import {NodePicker} from './NodePicker.js';
import {SessionDetail} from './SessionDetail.js';
import {SessionsPane} from './SessionsPane.js';
import {StatementDetail} from './StatementDetail.js';
import {StatementsPane} from './StatementsPane.js';
import {ProcessDetail} from './ProcessDetail.js';
import {ProcessesPane} from './ProcessesPane.js';
import {StatusBar} from './StatusBar.js';
import {CommandContextValue} from './StoreContext.js';
import {useKeys} from './use-keys.js';
import {useStore, useStoreInstance} from './use-store.js';
import {useTerminalSize} from './use-terminal-size.js';

const PANE_TITLES: Record<PaneId, string> = {processes: 'Processes', host: 'Host', sessions: 'Sessions', locks: 'Locks', containers: 'Containers', alerts: 'Alerts', statements: 'Statements'};

type BodyProps = {width: number; height: number};

/** What each pane draws, and each drill-down over it. */
const PANE_VIEWS: Record<PaneId, (props: BodyProps) => ReactNode> = {
	processes: ProcessesPane,
	host: HostPane,
	sessions: SessionsPane,
	locks: LocksPane,
	containers: ContainersPane,
	alerts: AlertsPane,
	statements: StatementsPane,
};

const DETAILS: Record<Detail, (props: BodyProps) => ReactNode> = {
	process: ProcessDetail,
	session: SessionDetail,
	container: ContainerDetail,
	alert: AlertDetail,
	statement: StatementDetail,
};

// The fewest rows of a pane in the full layout.
const MIN_PANE_ROWS = 3;

/** How the frame's rows are shared out: the host summary's, and the pane's between the tabs and the status line. */
export type FrameLayout = {rows: number; summaryRows: number; paneRows: number};

/**
 * The frame takes one row less than the terminal, so Ink never clears the whole screen, and never
 * more: on a terminal too short for the whole host summary the summary gives way to its first
 * line and the pane to what is left (nothing, on the shortest), so nothing scrolls off the top.
 */
export function frameLayout(terminalRows: number, hasCharts: boolean, isReplay = false): FrameLayout {
	const rows = Math.max(terminalRows - 1, 1);
	const fullSummary = summaryHeight(hasCharts, isReplay);
	const summaryRows = rows >= fullSummary + 2 + MIN_PANE_ROWS ? fullSummary : 1;
	return {rows, summaryRows, paneRows: Math.max(rows - summaryRows - 2, 0)};
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

	const hasCharts = terminalRows >= 40 && columns >= 100;
	const {rows, summaryRows, paneRows: paneHeight} = frameLayout(terminalRows, hasCharts, screen.readOnly === 'replay');

	const onKey = useCallback(
		(key: string) => {
			if (!commandContext) return;
			const state = store.getState();
			const command = resolveKey(screenOf(state).scopes, key);
			if (state.ui.notice) store.dispatch({type: 'notice', notice: null});
			const char = typedChar(key);
			if (command) {
				runCommand(command, {...commandContext, store});
			} else if (state.ui.input && char !== null) {
				// A character no binding of the prompt takes is typed into it.
				typeIntoPrompt(store, state.ui.input.text + char);
			}
		},
		[commandContext, store],
	);
	useKeys(onKey);

	if (screen.modal === 'help') {
		// The help takes the whole frame: at 80x24 the key table needs every row.
		return (
			<Box flexDirection="column" width={columns} height={rows} overflow="hidden">
				<HelpOverlay width={columns} height={rows - 1} />
				<StatusBar />
			</Box>
		);
	}

	// The node picker takes the pane's place; the header stays, saying what is shown.
	const Body = screen.modal === 'nodes' ? NodePicker : screen.detail ? DETAILS[screen.detail] : PANE_VIEWS[screen.pane];
	return (
		<Box flexDirection="column" width={columns} height={rows} overflow="hidden">
			<HostSummary width={columns} hasCharts={hasCharts} version={version} isTitleOnly={summaryRows === 1} />
			<Tabs pane={screen.pane} />
			<Box height={paneHeight} flexShrink={0} flexDirection="column" overflow="hidden">
				<Body width={columns} height={paneHeight} />
			</Box>
			<StatusBar />
		</Box>
	);
}

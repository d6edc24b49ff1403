import {Box, Text} from 'ink';
import {useMemo} from 'react';
import {sanitizeLine} from '../source/sanitize.js';
import {visibleNodes, type PickerNode} from '../source/store/node-list.js';
import {nodeColumns} from './columns/nodes.js';
import {List, type RowStyle} from './List.js';
import {useStore} from './use-store.js';

const keyOf = (node: PickerNode) => node.key;

// A node that stopped writing stands out: it heads the list, in yellow.
const styleOf = (node: PickerNode): RowStyle => (node.isStopped ? {color: 'yellow'} : {});

type Props = {width: number; height: number};

/** The replay's node picker: every node of every ring read, those that stopped writing first. */
export function NodePicker({width, height}: Props) {
	const nodes = useStore(visibleNodes);
	const ringCount = useStore(state => state.replay?.rings.length ?? 0);
	const problems = useStore(state => state.replay?.nodes?.problems ?? []);
	const isRead = useStore(state => state.replay?.nodes !== null);
	const columns = useMemo(() => nodeColumns(width, ringCount > 1), [width, ringCount]);
	const stopped = nodes.filter(node => node.isStopped).length;
	return (
		<Box flexDirection="column" height={height}>
			<Text wrap="truncate-end">
				<Text bold>Nodes</Text>
				{` ${nodes.length} in ${ringCount} ring${ringCount === 1 ? '' : 's'}${stopped > 0 ? `, ${stopped} stopped writing` : ''} · Enter shows one · Esc back`}
			</Text>
			{problems.map(problem => (
				<Text key={problem} color="yellow" wrap="truncate-end">
					{`unreadable: ${sanitizeLine(problem)}`}
				</Text>
			))}
			<List id="nodes" rows={nodes} keyOf={keyOf} columns={columns} width={width} height={height - 1 - problems.length} empty={isRead ? 'no node has written to the ring yet' : 'reading the rings…'} styleOf={styleOf} />
		</Box>
	);
}

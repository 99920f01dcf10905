/**
 * Process groups: Erlang's {@code :pg} on a Java node, {@link io.beambridge.pg.Pg}. A
 * Java process joins a group in a scope (the default {@code :pg} or a named one), and
 * every connected node that runs that scope — BEAM or Java — lists it in
 * {@code :pg.get_members(scope, group)}; the Java side lists theirs.
 *
 * {@snippet class="io.beambridge.docs.PgGuideTest" region="join"}
 *
 * <p>The operations are pg's: {@code join} and {@code leave} (a process may join a group
 * more than once and counts as often), {@code getMembers}, {@code getLocalMembers},
 * {@code whichGroups}, and the monitors of OTP 25.1, which deliver
 * {@code {ref, :join | :leave, group, pids}} ({@link io.beambridge.pg.Pg.Update}):
 *
 * {@snippet class="io.beambridge.docs.PgGuideTest" region="monitor"}
 *
 * <p>Members leave as on BEAM: when they end (every node drops them), and when this node
 * goes away or is cut off (every other node drops all of its members at once); a BEAM
 * node's members leave the Java side's view the same ways. Other nodes ask the Java node's
 * tables as they would ask a BEAM node's: {@code :rpc.call(java, :pg, :get_members,
 * [group])}, {@code get_members/2}, {@code get_local_members}, {@code which_groups},
 * {@code join}, {@code leave} and {@code start/1} are served once a scope runs.
 *
 * <h2>A hidden node in a scope: what it gives and what it costs</h2>
 * A Java node is a hidden node, and BEAM's pg looks for peers among visible nodes only:
 * no BEAM scope ever starts the exchange with a Java one. So the Java scope does:
 * it sends pg's {@code discover} to each connected node's scope when it starts, whenever a
 * node connects (again), and when a node's scope goes down while the node stays (the
 * scope restarted); a node whose scope does not answer is asked again, after 50 ms and
 * then twice as long each time, up to once a second, for as long as it is connected — so
 * a scope started on a BEAM node after the connection is found within a second. Once the
 * two have exchanged their members, the BEAM scope treats the Java one as any other
 * peer: joins and leaves go both ways in one message each, as fast as between two BEAM
 * nodes.
 *
 * <p>What follows from hidden connections:
 * <ul>
 * <li>Only connected nodes share groups, as in pg (its views are not transitive): a BEAM
 *     node sees the Java node's members once the two are connected, either way; connecting
 *     to one node of a BEAM cluster does not connect the Java node to the others.</li>
 * <li>The cost: pg's own messages, plus one small message (pg's {@code discover}) a second
 *     to each connected node that does not run the scope.</li>
 * <li>The Java scope speaks pg's original protocol, which OTP 25, 27 and 29 all speak (29
 *     answers a discover with {@code {discover, pid, 1}}, which the Java scope takes),
 *     and sends nothing else: a BEAM scope crashes on any message it does not expect,
 *     and five crashes of the kernel's {@code pg} stop the BEAM node.</li>
 * </ul>
 */
package io.beambridge.pg;

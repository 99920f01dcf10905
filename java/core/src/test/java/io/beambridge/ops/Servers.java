package io.beambridge.ops;

import io.beambridge.gen.From;
import io.beambridge.gen.GenServer;
import io.beambridge.gen.Init;
import io.beambridge.gen.Result;
import io.beambridge.node.Proc;
import io.beambridge.term.Atom;
import io.beambridge.term.Pid;
import io.beambridge.term.Term;
import java.util.Queue;
import java.util.concurrent.CountDownLatch;

/** Small servers for the operations tests. */
final class Servers {
    private Servers() {}

    /**
     * Replies {@code :hello} to {@code :hello}, its thread's name to {@code :thread}; sleeps
     * {@code n} ms (after counting down {@code entered}) for {@code {:sleep, n}}; throws
     * IllegalStateException("boom") for {@code :boom}.
     */
    static final class Echo implements GenServer<Term> {
        final CountDownLatch entered;

        Echo() {
            this(new CountDownLatch(1));
        }

        Echo(CountDownLatch entered) {
            this.entered = entered;
        }

        @Override
        public Init<Term> init() {
            return Init.ok(Term.map(Atom.of("id"), 1));
        }

        @Override
        public Result<Term> handleCall(Term request, From from, Term state) throws Exception {
            if (Atom.of("hello").equals(request)) {
                return Result.reply(Atom.of("hello"), state);
            }
            if (Atom.of("thread").equals(request)) {
                return Result.reply(Term.string(Thread.currentThread().getName()), state);
            }
            if (request instanceof Term.Tuple t && t.isTagged("sleep", 2)) {
                entered.countDown();
                Thread.sleep(t.get(1).as(long.class));
                return Result.reply(Atom.of("slept"), state);
            }
            if (Atom.of("boom").equals(request)) {
                throw new IllegalStateException("boom");
            }
            return GenServer.super.handleCall(request, from, state);
        }
    }

    /**
     * Notes {@code id} in {@code terminated} when it terminates, after sleeping {@code
     * terminateMillis} (it traps exits, so a supervisor's shutdown runs its terminate).
     */
    static final class Child implements GenServer<Term> {
        final String id;
        final Queue<String> terminated;
        final long terminateMillis;

        Child(String id, Queue<String> terminated, long terminateMillis) {
            this.id = id;
            this.terminated = terminated;
            this.terminateMillis = terminateMillis;
        }

        @Override
        public Init<Term> init() {
            Proc.current().trapExit(true);
            return Init.ok(Atom.of(id));
        }

        @Override
        public void terminate(Term reason, Term state) throws Exception {
            Thread.sleep(terminateMillis);
            terminated.add(id + " " + reason);
        }
    }

    /** A crash-on-start child for restarts: exits at once with {@code :oops} on {@code :crash}. */
    static final class Crashy implements GenServer<Term> {
        @Override
        public Init<Term> init() {
            return Init.ok(Atom.NIL);
        }

        @Override
        public Result<Term> handleCall(Term request, From from, Term state) {
            return Result.stop(Atom.of("oops"), state);
        }
    }

    static Pid self() {
        return Proc.current().self();
    }
}

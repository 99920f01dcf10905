package io.beambridge.gen;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method of a {@link GenServer} as one clause of {@code handle_info/2}: it takes the
 * infos its first parameter's type can read (a record, an enum, a sealed interface of them,
 * {@code Term} for anything; see {@link io.beambridge.term.Term#as}), as an Elixir
 * function head takes what it matches. Its parameters are {@code (Message message, State state)}; it returns a
 * {@link Result}. See {@link GenServer} for how a clause is chosen.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface HandleInfo {
}

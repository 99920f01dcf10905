package io.beambridge.term;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A record that is an Elixir struct: {@code @Struct("MyApp.User") record User(long id,
 * String name)} is {@code %MyApp.User{id: 1, name: "ann"}}. Reading checks the struct's
 * module; keys the record does not declare are ignored, as a pattern {@code %MyApp.User{id:
 * id}} ignores them.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface Struct {
    /** The Elixir module, without {@code Elixir.}: {@code "MyApp.User"}. */
    String value();
}

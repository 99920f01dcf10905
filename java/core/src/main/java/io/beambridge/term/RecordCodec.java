package io.beambridge.term;

import static io.beambridge.term.Codecs.INSIDE;
import static io.beambridge.term.Codecs.bad;
import static io.beambridge.term.Codecs.isNil;
import static io.beambridge.term.Codecs.notA;
import static io.beambridge.term.Codecs.within;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A record: a map with an atom key per component, an Elixir struct
 * ({@link Struct @Struct}), a tagged tuple ({@link Tagged @Tagged}, or a record of a
 * {@code @Tagged} sealed interface) or a plain tuple ({@link Positional @Positional}).
 *
 * <p>Built once per record type: the canonical constructor and the accessors as method
 * handles, the components' codecs, the atoms of the keys or the tag.
 */
final class RecordCodec implements Codecs.Impl {

    enum Form { MAP, STRUCT, TAGGED, POSITIONAL }

    /**
     * What a record is as a term, from its annotations alone (a sealed interface needs it
     * before the record's codec is built, which may be under way).
     *
     * @param atom    the tag of a tagged record, the module of a struct; else null
     * @param size    the number of components
     * @param pattern the term as an Elixir pattern: {@code {:reserve, sku, n}}
     */
    record Shape(Form form, Atom atom, int size, String pattern) {}

    /** One component: its codec, its key or place, its accessor. */
    private record Component(String name, Atom key, Codecs.Impl impl, boolean optional, MethodHandle getter,
                             String segment) {}

    private final Class<?> type;
    private final String typeName; // with its enclosing classes: Inventory.Reserve
    private final String rootName; // where a path in it starts: Reserve
    private final Shape shape;
    private final Component[] components;
    private final MethodHandle constructor; // (Object[])Object
    private final String expected;

    private RecordCodec(Class<?> type, Shape shape, Component[] components, MethodHandle constructor) {
        this.type = type;
        this.typeName = Types.name(type);
        this.rootName = type.getSimpleName();
        this.shape = shape;
        this.components = components;
        this.constructor = constructor;
        this.expected = shape.pattern() + " (" + typeName + ")";
    }

    /** The codec of the record class {@code raw}, read as {@code type} (which binds its type variables). */
    static RecordCodec of(Class<?> raw, Type type) {
        Shape shape = shape(raw);
        Map<TypeVariable<?>, Type> bindings = Types.bindings(type);
        MethodHandles.Lookup lookup = lookup(raw);
        RecordComponent[] rcs = raw.getRecordComponents();
        Component[] components = new Component[rcs.length];
        Class<?>[] parameterTypes = new Class<?>[rcs.length];
        for (int i = 0; i < rcs.length; i++) {
            RecordComponent rc = rcs[i];
            parameterTypes[i] = rc.getType();
            Type componentType = Types.resolve(rc.getGenericType(), bindings);
            Codecs.Impl impl;
            try {
                impl = Codecs.impl(componentType);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(Types.name(raw) + "." + rc.getName() + ": " + e.getMessage(), e);
            }
            Atom key = new Atom(key(rc));
            String segment = switch (shape.form()) {
                case MAP, STRUCT -> "." + rc.getName()
                        + (key.name().equals(rc.getName()) ? "" : " (key " + Inspect.inspect(key) + ")");
                case TAGGED -> "." + rc.getName() + " (element " + (i + 1) + ")";
                case POSITIONAL -> "." + rc.getName() + " (element " + i + ")";
            };
            MethodHandle getter;
            try {
                getter = lookup.unreflect(rc.getAccessor()).asType(MethodType.methodType(Object.class, Object.class));
            } catch (IllegalAccessException e) {
                throw inaccessible(raw, e);
            }
            components[i] = new Component(rc.getName(), key, impl, rc.getType() == Optional.class, getter, segment);
        }
        MethodHandle constructor;
        try {
            constructor = lookup.unreflectConstructor(raw.getDeclaredConstructor(parameterTypes))
                    .asSpreader(Object[].class, rcs.length)
                    .asType(MethodType.methodType(Object.class, Object[].class));
        } catch (IllegalAccessException e) {
            throw inaccessible(raw, e);
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException("a record without its canonical constructor: " + raw.getName(), e);
        }
        return new RecordCodec(raw, shape, components, constructor);
    }

    private static String key(RecordComponent rc) {
        Name name = rc.getAnnotation(Name.class);
        return name != null ? name.value() : Codecs.snake(rc.getName());
    }

    /** A lookup with access to the record's private members, or the public one when its package is closed. */
    private static MethodHandles.Lookup lookup(Class<?> raw) {
        Module self = RecordCodec.class.getModule();
        if (self.isNamed() && !self.canRead(raw.getModule())) {
            self.addReads(raw.getModule());
        }
        try {
            return MethodHandles.privateLookupIn(raw, MethodHandles.lookup());
        } catch (IllegalAccessException | SecurityException e) {
            return MethodHandles.publicLookup();
        }
    }

    private static IllegalArgumentException inaccessible(Class<?> raw, Exception e) {
        return new IllegalArgumentException(raw.getName() + " cannot be read or written: beambridge needs access to "
                + "its constructor and accessors: open its package to the module io.beambridge "
                + "(opens " + raw.getPackageName() + " to io.beambridge;), or make the record public in an exported "
                + "package", e);
    }

    /** How the record {@code c} is a term, from its annotations and those of the sealed interfaces it implements. */
    static Shape shape(Class<?> c) {
        Tagged tagged = c.getAnnotation(Tagged.class);
        Struct struct = c.getAnnotation(Struct.class);
        Positional positional = c.getAnnotation(Positional.class);
        if ((tagged != null ? 1 : 0) + (struct != null ? 1 : 0) + (positional != null ? 1 : 0) > 1) {
            throw new IllegalArgumentException(c.getName() + ": @Tagged, @Struct and @Positional exclude each other");
        }
        RecordComponent[] rcs = c.getRecordComponents();
        String vars = Arrays.stream(rcs).map(rc -> Codecs.snake(rc.getName())).collect(Collectors.joining(", "));
        if (struct != null) {
            Atom module = struct.value().startsWith("Elixir.") ? new Atom(struct.value()) : Atom.elixir(struct.value());
            return new Shape(Form.STRUCT, module, rcs.length, "%" + Inspect.inspect(module) + mapPattern(rcs));
        }
        if (positional != null) {
            return new Shape(Form.POSITIONAL, null, rcs.length, "{" + vars + "}");
        }
        if (tagged != null || taggedByInterface(c)) {
            String tag = tagged != null && !tagged.value().isEmpty() ? tagged.value() : Codecs.snake(c.getSimpleName());
            Atom atom = new Atom(tag);
            return new Shape(Form.TAGGED, atom, rcs.length,
                    rcs.length == 0 ? Inspect.inspect(atom) : "{" + Inspect.inspect(atom) + ", " + vars + "}");
        }
        return new Shape(Form.MAP, null, rcs.length, "%" + mapPattern(rcs));
    }

    private static String mapPattern(RecordComponent[] rcs) {
        return Arrays.stream(rcs).map(rc -> {
            Atom key = new Atom(key(rc));
            return Inspect.key(key) + " " + Codecs.snake(rc.getName());
        }).collect(Collectors.joining(", ", "{", "}"));
    }

    /** True when a sealed interface above {@code c} is {@code @Tagged}. */
    private static boolean taggedByInterface(Class<?> c) {
        Deque<Class<?>> todo = new ArrayDeque<>(Arrays.asList(c.getInterfaces()));
        while (!todo.isEmpty()) {
            Class<?> i = todo.pop();
            Tagged t = i.getAnnotation(Tagged.class);
            if (t != null && i.isSealed()) {
                if (!t.value().isEmpty()) {
                    throw new IllegalArgumentException(i.getName() + ": @Tagged on a sealed interface takes no tag "
                            + "(each record is tagged with its own name, or its own @Tagged value)");
                }
                return true;
            }
            todo.addAll(Arrays.asList(i.getInterfaces()));
        }
        return false;
    }

    Shape shape() {
        return shape;
    }

    // ------------------------------------------------------------------ reading

    @Override
    public Object read(Term term, String path) {
        Component[] cs = components;
        Object[] args = new Object[cs.length];
        switch (shape.form()) {
            case MAP, STRUCT -> {
                if (!(term instanceof Term.Map m)
                        || (shape.form() == Form.STRUCT && !shape.atom().equals(m.get(Codecs.STRUCT)))) {
                    if (isNil(term)) {
                        return null;
                    }
                    throw bad(path, expected, term);
                }
                for (int i = 0; i < cs.length; i++) {
                    Component c = cs[i];
                    Term v = m.get(c.key());
                    if (v == null) {
                        if (!c.optional()) {
                            throw new BadTermException(base(path) + c.segment(), c.impl().expected(), null);
                        }
                        args[i] = Optional.empty();
                    } else {
                        args[i] = component(c, v, path);
                    }
                }
            }
            case TAGGED -> {
                if (cs.length == 0) {
                    if (shape.atom().equals(term)) {
                        break;
                    }
                    if (isNil(term)) {
                        return null;
                    }
                    throw bad(path, expected, term);
                }
                if (!(term instanceof Term.Tuple t && t.arity() == cs.length + 1 && shape.atom().equals(t.get(0)))) {
                    if (isNil(term)) {
                        return null;
                    }
                    throw bad(path, expected, term);
                }
                for (int i = 0; i < cs.length; i++) {
                    args[i] = component(cs[i], t.get(i + 1), path);
                }
            }
            case POSITIONAL -> {
                if (!(term instanceof Term.Tuple t && t.arity() == cs.length)) {
                    if (isNil(term)) {
                        return null;
                    }
                    throw bad(path, expected, term);
                }
                for (int i = 0; i < cs.length; i++) {
                    args[i] = component(cs[i], t.get(i), path);
                }
            }
        }
        try {
            return constructor.invokeExact(args);
        } catch (RuntimeException e) {
            BadTermException b = bad(path, typeName + " (its constructor refused it: " + e.getMessage() + ")", term);
            b.initCause(e);
            throw b;
        } catch (Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    private Object component(Component c, Term v, String path) {
        try {
            return c.impl().read(v, INSIDE);
        } catch (BadTermException e) {
            throw within(base(path), c.segment(), e);
        }
    }

    /** Where this record is, for messages: its simple name when it is the whole term. */
    private String base(String path) {
        return path.isEmpty() ? rootName : path == INSIDE ? "" : path;
    }

    @Override
    public boolean matches(Term term) {
        return switch (shape.form()) {
            case MAP -> {
                if (!(term instanceof Term.Map m)) {
                    yield false;
                }
                for (Component c : components) {
                    if (!c.optional() && m.get(c.key()) == null) {
                        yield false;
                    }
                }
                yield true;
            }
            case STRUCT -> term instanceof Term.Map m && shape.atom().equals(m.get(Codecs.STRUCT));
            case TAGGED -> components.length == 0
                    ? shape.atom().equals(term)
                    : term instanceof Term.Tuple t && t.arity() == components.length + 1 && shape.atom().equals(t.get(0));
            case POSITIONAL -> term instanceof Term.Tuple t && t.arity() == components.length;
        };
    }

    // ------------------------------------------------------------------ writing

    @Override
    public Term write(Object value) {
        if (value == null) {
            return Atom.NIL;
        }
        if (value.getClass() != type) {
            throw notA(value, this);
        }
        Component[] cs = components;
        switch (shape.form()) {
            case MAP, STRUCT -> {
                boolean struct = shape.form() == Form.STRUCT;
                LinkedHashMap<Term, Term> m = LinkedHashMap.newLinkedHashMap(cs.length + (struct ? 1 : 0));
                if (struct) {
                    m.put(Codecs.STRUCT, shape.atom());
                }
                for (Component c : cs) {
                    m.put(c.key(), writeComponent(c, value));
                }
                return Term.Map.of(m);
            }
            case TAGGED -> {
                if (cs.length == 0) {
                    return shape.atom();
                }
                Term[] elements = new Term[cs.length + 1];
                elements[0] = shape.atom();
                for (int i = 0; i < cs.length; i++) {
                    elements[i + 1] = writeComponent(cs[i], value);
                }
                return Term.Tuple.of(elements);
            }
            default -> {
                Term[] elements = new Term[cs.length];
                for (int i = 0; i < cs.length; i++) {
                    elements[i] = writeComponent(cs[i], value);
                }
                return Term.Tuple.of(elements);
            }
        }
    }

    private Term writeComponent(Component c, Object record) {
        Object v;
        try {
            v = (Object) c.getter().invokeExact(record);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
        try {
            return c.impl().write(v);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(typeName + "." + c.name() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String expected() {
        return expected;
    }
}

package dev.plangate.platform;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The events a {@code text/event-stream} answer sends. The API document names each under
 * the stream's {@code x-sse-events} extension with the schema of its {@code data}, since
 * OpenAPI has no words for an event stream's items.
 */
@Documented
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
public @interface ServerSentEvents {

	/**
	 * The names (the {@code event} field) of the events whose data is {@link #data()}.
	 */
	String[] value();

	/** The type of those events' {@code data}, one JSON value each. */
	Class<?> data();

	/**
	 * The events that end the stream, whose data is the reason: a {@code code}, a
	 * {@code detail} and the {@code lastSeq} to resume after.
	 */
	String[] closing() default {};

}

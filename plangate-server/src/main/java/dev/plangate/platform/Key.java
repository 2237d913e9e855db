package dev.plangate.platform;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import jakarta.validation.Constraint;
import jakarta.validation.OverridesAttribute;
import jakarta.validation.Payload;
import jakarta.validation.ReportAsSingleViolation;
import jakarta.validation.constraints.Pattern;

/** A plan or feature key, as {@link Ids#KEY} allows. */
@Documented
@Constraint(validatedBy = {})
@Pattern(regexp = Ids.KEY)
@ReportAsSingleViolation
@Target({ ElementType.PARAMETER, ElementType.FIELD, ElementType.TYPE_USE })
@Retention(RetentionPolicy.RUNTIME)
public @interface Key {

	@OverridesAttribute(constraint = Pattern.class, name = "message")
	String message() default "must be a key: a lower-case letter, then up to 63 lower-case letters, digits or _";

	Class<?>[] groups() default {};

	Class<? extends Payload>[] payload() default {};

}

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

/** An idempotency id chosen by the caller: 1 to 200 visible ASCII characters. */
@Documented
@Constraint(validatedBy = {})
@Pattern(regexp = Ids.EVENT_ID)
@ReportAsSingleViolation
@Target({ ElementType.PARAMETER, ElementType.FIELD, ElementType.TYPE_USE })
@Retention(RetentionPolicy.RUNTIME)
public @interface EventId {

	@OverridesAttribute(constraint = Pattern.class, name = "message")
	String message() default "must be 1 to 200 visible ASCII characters";

	Class<?>[] groups() default {};

	Class<? extends Payload>[] payload() default {};

}

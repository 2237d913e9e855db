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

/** A product's own customer id, as {@link Ids#CUSTOMER_ID} allows. */
@Documented
@Constraint(validatedBy = {})
@Pattern(regexp = Ids.CUSTOMER_ID)
@ReportAsSingleViolation
@Target({ ElementType.PARAMETER, ElementType.FIELD, ElementType.TYPE_USE })
@Retention(RetentionPolicy.RUNTIME)
public @interface CustomerId {

	@OverridesAttribute(constraint = Pattern.class, name = "message")
	String message() default "must be 1 to 200 of letters, digits and . _ : @ | + = ~ -";

	Class<?>[] groups() default {};

	Class<? extends Payload>[] payload() default {};

}

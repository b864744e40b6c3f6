package dev.fieldvault.sample.boot;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * FieldVault's Spring Boot sample: a small PetClinic-like service. Its only FieldVault code is the
 * {@code @Encrypted} and {@code @BlindIndex} annotations on {@link Owner} and {@link Pet} and the use of
 * the {@code SecretsVault} bean in {@link OwnerController}; everything else is the starter and
 * {@code application.properties}.
 */
@SpringBootApplication
public class PetClinicApplication {

  public static void main(String[] args) {
    SpringApplication.run(PetClinicApplication.class, args);
  }
}

package dev.fieldvault.sample.boot;

import dev.fieldvault.hibernate.HibernateVault;
import dev.fieldvault.secrets.PutOptions;
import dev.fieldvault.secrets.SecretResult;
import dev.fieldvault.secrets.SecretStore;
import dev.fieldvault.secrets.SecretValue;
import dev.fieldvault.secrets.SecretsVault;
import dev.fieldvault.secrets.WriteResult;
import jakarta.persistence.EntityManagerFactory;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * The REST API: owners and their pets (encrypted by Hibernate through {@code @Encrypted}), and an
 * owner's GitHub OAuth token in the secrets vault (namespace {@code oauth-tokens}, created at start-up
 * by {@code fieldvault.secrets.create-stores}).
 */
@RestController
public class OwnerController {

  private final OwnerRepository owners;
  private final HibernateVault vault;
  private final SecretsVault secrets;

  public OwnerController(OwnerRepository owners, EntityManagerFactory emf, SecretsVault secrets) {
    this.owners = owners;
    this.vault = HibernateVault.of(emf);
    this.secrets = secrets;
  }

  @PostMapping("/owners")
  @org.springframework.web.bind.annotation.ResponseStatus(HttpStatus.CREATED)
  public Owner create(@RequestBody Owner owner) {
    owner.id = null;
    owner.pets.forEach(p -> p.owner = owner);
    return owners.save(owner);
  }

  @GetMapping("/owners/{id}")
  @Transactional(readOnly = true)
  public Owner get(@PathVariable long id) {
    Owner o = owners.findById(id).orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND));
    o.pets.size();
    return o;
  }

  /** {@code GET /owners?lastName=Davis}: a deterministic attribute, searched with Spring Data's derived query. */
  @GetMapping("/owners")
  @Transactional(readOnly = true)
  public List<Owner> byLastName(@RequestParam String lastName) {
    List<Owner> found = owners.findByLastName(lastName);
    found.forEach(o -> o.pets.size());
    return found;
  }

  /** {@code GET /owners/by-telephone?telephone=...}: a randomized attribute, searched through its blind index. */
  @GetMapping("/owners/by-telephone")
  @Transactional(readOnly = true)
  public List<Owner> byTelephone(@RequestParam String telephone) {
    List<Owner> found = owners.findByTelephoneIndexIn(vault.blindIndexes(Owner.class, "telephone", telephone));
    found.forEach(o -> o.pets.size());
    return found;
  }

  @PostMapping("/owners/{id}/pets")
  @org.springframework.web.bind.annotation.ResponseStatus(HttpStatus.CREATED)
  @Transactional
  public Pet addPet(@PathVariable long id, @RequestBody Pet pet) {
    Owner o = owners.findById(id).orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND));
    pet.id = null;
    pet.owner = o;
    o.pets.add(pet);
    owners.saveAndFlush(o);
    return pet;
  }

  /** {@code PUT /owners/{id}/oauth/github} with {@code {"access_token": ..., "refresh_token": ...}}. */
  @PutMapping("/owners/{id}/oauth/github")
  public Map<String, Object> storeToken(@PathVariable long id, @RequestBody Map<String, Object> token) {
    requireOwner(id);
    WriteResult w = tokens(id).put("owner-" + id + "/github", SecretValue.ofJson(token),
        PutOptions.builder().metadata(Map.of("provider", "github")).ttl(Duration.ofDays(30)).build());
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("status", w.status().name());
    out.put("version", w.version());
    return out;
  }

  /** Whether a token is stored, its version and expiry: the token itself never leaves the service. */
  @GetMapping("/owners/{id}/oauth/github")
  public Map<String, Object> tokenInfo(@PathVariable long id) {
    requireOwner(id);
    SecretResult r = tokens(id).get("owner-" + id + "/github");
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("status", r.status().name());
    if (r.status() == dev.fieldvault.secrets.Status.OK) {
      out.put("version", r.version());
      out.put("expiresAt", String.valueOf(r.expiresAt()));
      out.put("hasRefreshToken", r.value().asJson().containsKey("refresh_token"));
    }
    return out;
  }

  private SecretStore tokens(long ownerId) {
    return secrets.store("oauth-tokens").as("owner:" + ownerId);
  }

  private void requireOwner(long id) {
    if (!owners.existsById(id)) {
      throw new ResponseStatusException(HttpStatus.NOT_FOUND);
    }
  }
}

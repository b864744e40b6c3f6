package dev.fieldvault.hibernate.internal;

import dev.fieldvault.hibernate.UnsupportedEncryptedUseException;
import dev.fieldvault.keys.VaultConfigurationException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.hibernate.SharedSessionContract;
import org.hibernate.engine.spi.SharedSessionContractImplementor;
import org.hibernate.event.spi.EventSource;
import org.hibernate.event.spi.FlushEvent;
import org.hibernate.event.spi.FlushEventListener;
import org.hibernate.event.spi.PostInsertEvent;
import org.hibernate.event.spi.PostInsertEventListener;
import org.hibernate.event.spi.PostUpdateEvent;
import org.hibernate.event.spi.PostUpdateEventListener;
import org.hibernate.event.spi.PreInsertEvent;
import org.hibernate.event.spi.PreInsertEventListener;
import org.hibernate.event.spi.PreLoadEvent;
import org.hibernate.event.spi.PreLoadEventListener;
import org.hibernate.event.spi.PreUpdateEvent;
import org.hibernate.event.spi.PreUpdateEventListener;
import org.hibernate.event.spi.PreUpsertEvent;
import org.hibernate.event.spi.PreUpsertEventListener;
import org.hibernate.persister.entity.EntityPersister;
import org.hibernate.type.CompositeType;
import org.hibernate.type.CustomType;
import org.hibernate.type.Type;

/**
 * Row binding and plaintext migration, on Hibernate's entity events.
 *
 * <ul>
 *   <li>Before an insert or update, each row-bound value in the state array is replaced by its
 *       ciphertext for the entity's id ({@link Sealed}); after the write the plaintext is put back, so
 *       Hibernate's snapshot (the same array) holds the plaintext and dirty checking stays exact.
 *   <li>Values of an entity with a {@code @TenantId} are sealed the same way, bound to the session's
 *       tenant (and to the id too when row-bound); blind indexes are computed in the tenant's context.
 *   <li>Before a loaded entity is filled, each row-bound or tenant-bound ciphertext is decrypted with
 *       the id and the session's tenant.
 *   <li>When an entity is loaded, each of its values read as a legacy plaintext under a migrating policy
 *       (top-level or inside an embeddable) is handed to {@link PlaintextMigrations} with the entity's id,
 *       and written encrypted, by compare-and-set, when the session flushes; the entity is not made dirty.
 *   <li>A {@code StatelessSession.upsert} fills the blind indexes; one that would write a row-bound
 *       value is refused before anything is bound (and logged).
 * </ul>
 */
final class VaultEventListener implements PreInsertEventListener, PostInsertEventListener, PreUpdateEventListener,
    PostUpdateEventListener, PreUpsertEventListener, PreLoadEventListener, FlushEventListener {

  private static final long serialVersionUID = 1L;
  private static final AttributeBinding[] NONE = new AttributeBinding[0];

  private final transient Map<EntityPersister, AttributeBinding[]> plans = new ConcurrentHashMap<>();
  /** Per entity: for each state index of an attribute with a blind index, the index of its companion (else -1). */
  private final transient Map<EntityPersister, int[]> companions = new ConcurrentHashMap<>();
  /**
   * Per entity: its attributes whose policy migrates plaintext and whose values the type's converter
   * reads (the reads {@link MigrationTracker} keeps), top-level and inside embeddables. Row-bound and
   * tenant-bound ones arrive sealed and are decrypted here instead.
   */
  private final transient Map<EntityPersister, List<Slot>> migrating = new ConcurrentHashMap<>();
  private final transient PlaintextMigrations migrations = new PlaintextMigrations();

  /**
   * Where an encrypted attribute's value is in an entity's state: {@code state[index]}, then, inside
   * embeddables, property {@code path[k]} of composite type {@code composites[k]}.
   */
  private static final class Slot {
    /** The binding of the entity's table (a TABLE_PER_CLASS subclass's own), which the migration writes. */
    final AttributeBinding binding;
    /** The binding of the attribute's type, under which its converter records the reads. */
    final AttributeBinding typeBinding;
    final int index;
    final int[] path;
    final CompositeType[] composites;

    Slot(AttributeBinding binding, AttributeBinding typeBinding, int index, int[] path, CompositeType[] composites) {
      this.binding = binding;
      this.typeBinding = typeBinding;
      this.index = index;
      this.path = path;
      this.composites = composites;
    }

    Object value(Object[] state, SharedSessionContractImplementor session) {
      Object v = state[index];
      for (int k = 0; k < path.length && v != null; k++) {
        v = composites[k].getPropertyValue(v, path[k], session);
      }
      return v;
    }
  }

  private List<Slot> migrating(EntityPersister persister) {
    return migrating.computeIfAbsent(persister, p -> {
      List<Slot> out = new ArrayList<>();
      Type[] types = p.getPropertyTypes();
      for (int i = 0; i < types.length; i++) {
        collect(p, types[i], i, new int[0], new CompositeType[0], out);
      }
      return List.copyOf(out);
    });
  }

  private static void collect(EntityPersister persister, Type type, int index, int[] path, CompositeType[] composites,
      List<Slot> out) {
    if (type instanceof CustomType && ((CustomType<?>) type).getUserType() instanceof EncryptedType) {
      AttributeBinding typeBinding = ((EncryptedType) ((CustomType<?>) type).getUserType()).binding();
      AttributeBinding b = typeBinding.forEntity(persister);
      if (b.migrating() && !b.model.rowBound() && b.model.tenantColumn() == null) {
        out.add(new Slot(b, typeBinding, index, path, composites));
      }
    } else if (type instanceof CompositeType && !type.isAssociationType()) {
      CompositeType c = (CompositeType) type;
      Type[] sub = c.getSubtypes();
      for (int j = 0; j < sub.length; j++) {
        int[] p = Arrays.copyOf(path, path.length + 1);
        p[path.length] = j;
        CompositeType[] cs = Arrays.copyOf(composites, composites.length + 1);
        cs[composites.length] = c;
        collect(persister, sub[j], index, p, cs, out);
      }
    }
  }

  private int[] companions(EntityPersister persister) {
    return companions.computeIfAbsent(persister, p -> {
      AttributeBinding[] plan = plan(p);
      int[] out = new int[plan.length];
      java.util.Arrays.fill(out, -1);
      String[] names = p.getPropertyNames();
      for (int i = 0; i < plan.length; i++) {
        if (plan[i] != null && plan[i].model.blindIndexAttribute() != null) {
          out[i] = java.util.Arrays.asList(names).indexOf(plan[i].model.blindIndexAttribute());
        }
      }
      return out;
    });
  }

  /** Fills the blind-index companions from the plaintexts (before they are sealed). */
  private void index(EntityPersister persister, Object entity, Object[] state, SharedSessionContract session) {
    int[] comp = companions(persister);
    AttributeBinding[] plan = plan(persister);
    for (int i = 0; i < comp.length; i++) {
      if (comp[i] >= 0) {
        Object value = state[i] instanceof Sealed ? ((Sealed) state[i]).plaintext : state[i];
        byte[] bi = value == null ? null : plan[i].encryptor.blindIndex(value, tenant(plan[i], session));
        state[comp[i]] = bi;
        persister.setValue(entity, comp[i], bi == null ? null : bi.clone());
      }
    }
  }

  /** The binding of each state index of an entity (null where the attribute is not encrypted). */
  private AttributeBinding[] plan(EntityPersister persister) {
    return plans.computeIfAbsent(persister, p -> {
      Type[] types = p.getPropertyTypes();
      AttributeBinding[] out = new AttributeBinding[types.length];
      boolean any = false;
      for (int i = 0; i < types.length; i++) {
        if (types[i] instanceof CustomType && ((CustomType<?>) types[i]).getUserType() instanceof EncryptedType) {
          out[i] = ((EncryptedType) ((CustomType<?>) types[i]).getUserType()).binding().forEntity(p);
          any = true;
        }
      }
      return any ? out : NONE;
    });
  }

  /** The tenant of an attribute's values in a session: null unless its entity has a {@code @TenantId}. */
  private static String tenant(AttributeBinding b, SharedSessionContract session) {
    return b.model.tenantColumn() == null ? null : Tenants.of(session, b.model);
  }

  /** Replaces row-bound and tenant-bound plaintexts by their ciphertexts ({@link Sealed}). */
  private void seal(EntityPersister persister, Object id, Object[] state, SharedSessionContract session) {
    AttributeBinding[] plan = plan(persister);
    for (int i = 0; i < plan.length; i++) {
      AttributeBinding b = plan[i];
      boolean tenantBound = b != null && b.model.tenantColumn() != null;
      if (b != null && (b.model.rowBound() || tenantBound) && state[i] != null && !(state[i] instanceof Sealed)) {
        if (b.model.rowBound() && id == null) {
          throw new VaultConfigurationException("Row-bound attribute " + b.model.entityName() + "."
              + b.model.attributePath() + " needs the entity's id before the insert: use a sequence, UUID or"
              + " assigned id instead of IDENTITY, or drop rowBound");
        }
        state[i] = new Sealed(b.encrypt(state[i], tenant(b, session), b.model.rowBound() ? id : null), state[i]);
      }
    }
  }

  private void unseal(EntityPersister persister, Object[] state) {
    AttributeBinding[] plan = plan(persister);
    for (int i = 0; i < plan.length; i++) {
      if (plan[i] != null && state[i] instanceof Sealed) {
        state[i] = ((Sealed) state[i]).plaintext;
      }
    }
  }

  @Override
  public boolean onPreInsert(PreInsertEvent event) {
    SharedSessionContract session = HibernateLines.session(event);
    index(event.getPersister(), event.getEntity(), event.getState(), session);
    seal(event.getPersister(), event.getId(), event.getState(), session);
    return false;
  }

  @Override
  public void onPostInsert(PostInsertEvent event) {
    unseal(event.getPersister(), event.getState());
  }

  @Override
  public boolean onPreUpdate(PreUpdateEvent event) {
    SharedSessionContract session = HibernateLines.session(event);
    index(event.getPersister(), event.getEntity(), event.getState(), session);
    seal(event.getPersister(), event.getId(), event.getState(), session);
    return false;
  }

  /**
   * {@code StatelessSession.upsert}: the blind indexes are filled from the plaintexts; a non-null
   * row-bound value is refused here, before Hibernate binds (and TRACE-logs) the state.
   */
  @Override
  public boolean onPreUpsert(PreUpsertEvent event) {
    AttributeBinding[] plan = plan(event.getPersister());
    Object[] state = event.getState();
    for (int i = 0; i < plan.length; i++) {
      if (plan[i] != null && plan[i].model.rowBound() && state[i] != null && !(state[i] instanceof Sealed)) {
        throw new UnsupportedEncryptedUseException(plan[i].model, "Row-bound attribute " + plan[i].model.entityName()
            + "." + plan[i].model.attributePath() + " cannot be written by StatelessSession.upsert: FieldVault binds"
            + " its ciphertext to the row's id only in a Session's flush or a StatelessSession's insert and"
            + " update. Use insert or update (or a Session's merge), or drop rowBound");
      }
    }
    index(event.getPersister(), event.getEntity(), state, HibernateLines.session(event));
    return false;
  }

  @Override
  public void onPostUpdate(PostUpdateEvent event) {
    unseal(event.getPersister(), event.getState());
  }

  @Override
  public boolean requiresPostCommitHandling(EntityPersister persister) {
    return false;
  }

  @Override
  public void onPreLoad(PreLoadEvent event) {
    Object[] state = event.getState();
    if (state == null) {
      return;
    }
    EventSource session = event.getSession();
    AttributeBinding[] plan = plan(event.getPersister());
    for (int i = 0; i < plan.length; i++) {
      AttributeBinding b = plan[i];
      if (b != null && state[i] instanceof Sealed) {
        boolean[] plaintext = new boolean[1];
        Object stored = ((Sealed) state[i]).stored;
        String tenant = tenant(b, session);
        state[i] = b.decrypt(stored, tenant, b.model.rowBound() ? event.getId() : null, plaintext, event.getId());
        if (plaintext[0]) {
          migrate(event, b, state[i], stored, tenant);
        }
      }
    }
    if (MigrationTracker.isEmpty()) {
      return;
    }
    for (Slot slot : migrating(event.getPersister())) {
      Object value = slot.value(state, session);
      MigrationTracker.Read read = value == null || value instanceof Sealed ? null
          : MigrationTracker.take(slot.typeBinding, value);
      if (read != null) {
        migrate(event, slot.binding, value, read.stored, null);
      }
    }
  }

  /** A value of a loaded entity was read as a legacy plaintext: it is written encrypted at the next flush. */
  private void migrate(PreLoadEvent event, AttributeBinding b, Object plaintext, Object stored, String tenant) {
    b.logPlaintextRead(event.getId());
    PlaintextMigrations.add(event.getSession(), new PlaintextMigrations.Pending(b, event.getPersister(),
        event.getId(), plaintext, stored, tenant));
  }

  /** After Hibernate's flush: the plaintext values the session loaded are written encrypted. */
  @Override
  public void onFlush(FlushEvent event) {
    migrations.flush(event.getSession());
  }
}

package dev.fieldvault.hibernate.entities;

public enum Color {
  RED, GREEN, ULTRAMARINE_BLUE
}

package io.voxelflow.masking.signal;

/**
 * Minimal complex arithmetic for the Butterworth design, with the same formulas numpy uses so the
 * filter coefficients agree with {@code scipy.signal.butter} to rounding: textbook multiplication,
 * Smith's algorithm for division (numpy's {@code npy_cdiv}) and the principal square root.
 */
record Complex(double re, double im) {
  static final Complex ONE = new Complex(1.0, 0.0);
  static final Complex ZERO = new Complex(0.0, 0.0);

  static Complex real(double re) {
    return new Complex(re, 0.0);
  }

  Complex plus(Complex o) {
    return new Complex(re + o.re, im + o.im);
  }

  Complex minus(Complex o) {
    return new Complex(re - o.re, im - o.im);
  }

  Complex negate() {
    return new Complex(-re, -im);
  }

  Complex times(Complex o) {
    return new Complex(re * o.re - im * o.im, re * o.im + im * o.re);
  }

  Complex times(double s) {
    return new Complex(re * s, im * s);
  }

  /** Division by Smith's method, as numpy's complex true_divide. */
  Complex div(Complex o) {
    double br = o.re;
    double bi = o.im;
    double absBr = Math.abs(br);
    double absBi = Math.abs(bi);
    if (absBr >= absBi) {
      if (absBr == 0 && absBi == 0) {
        return new Complex(re / absBr, im / absBi);
      }
      double rat = bi / br;
      double scl = 1.0 / (br + bi * rat);
      return new Complex((re + im * rat) * scl, (im - re * rat) * scl);
    }
    double rat = br / bi;
    double scl = 1.0 / (bi + br * rat);
    return new Complex((re * rat + im) * scl, (im * rat - re) * scl);
  }

  /** Principal square root (branch cut on the negative real axis, like C99 {@code csqrt}). */
  Complex sqrt() {
    if (re == 0.0 && im == 0.0) {
      return new Complex(0.0, im);
    }
    double t = Math.sqrt((Math.abs(re) + Math.hypot(re, im)) * 0.5);
    if (re >= 0.0) {
      return new Complex(t, im / (2.0 * t));
    }
    return new Complex(Math.abs(im) / (2.0 * t), Math.copySign(t, im));
  }

  /** {@code exp(i * theta)}. */
  static Complex expI(double theta) {
    return new Complex(Math.cos(theta), Math.sin(theta));
  }
}

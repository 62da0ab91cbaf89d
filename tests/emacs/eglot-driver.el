;;; eglot-driver.el --- drive eglot against leanos-lsp in batch Emacs  -*- lexical-binding: t -*-

;; Usage:
;;   emacs --batch -Q -l eglot-driver.el SCENARIO SERVER ROOT FILE LINE COLUMN
;;
;; Visits FILE (relative to the LeanOS workspace ROOT) with point at LINE
;; (1-based) and COLUMN (0-based), connects eglot to the SERVER binary as
;; M-x eglot would, runs SCENARIO, shuts eglot down and prints one line
;; `RESULT: <json>' on stdout for tests/emacs/test_eglot.py to judge.
;; Scenarios: diagnostics, definition (asked the moment eglot is
;; connected), hover, completion (after inserting `Tests: ' at the end of
;; FILE), rename (to A12), shutdown.  Every wait is bounded: the whole run
;; gives up after `leanos-deadline' seconds and prints an error result.

(require 'cl-lib)
(require 'json)

;; eglot from Debian's elpa-eglot, without activating every package.
(dolist (dir (file-expand-wildcards "/usr/share/emacs/site-lisp/elpa/eglot-*"))
  (add-to-list 'load-path dir))
(unless (locate-library "eglot")
  (package-initialize))
(require 'eglot)

(defvar leanos-deadline 60 "Seconds after which the whole run gives up.")

(defvar leanos-args command-line-args-left "SCENARIO SERVER ROOT FILE LINE COLUMN.")
(defvar leanos-scenario (nth 0 leanos-args))
(defvar leanos-server (nth 1 leanos-args))
(defvar leanos-root (file-name-as-directory (expand-file-name (nth 2 leanos-args))))
(defvar leanos-file (expand-file-name (nth 3 leanos-args) leanos-root))
(defvar leanos-line (string-to-number (nth 4 leanos-args)))
(defvar leanos-column (string-to-number (nth 5 leanos-args)))
(setq command-line-args-left nil)            ; not files to visit

;; A minimal major mode for .md files when markdown-mode is absent (named
;; so that eglot sends languageId "markdown"), served by leanos-lsp.
(unless (fboundp 'markdown-mode)
  (define-derived-mode markdown-mode text-mode "Markdown"
    "Markdown for the eglot driver."))
(add-to-list 'auto-mode-alist '("\\.md\\'" . markdown-mode))
(add-to-list 'eglot-server-programs `(markdown-mode . (,leanos-server)))

;; ROOT (and anything under it) is one project, as a .git would make it.
(add-hook 'project-find-functions
          (lambda (dir)
            (when (string-prefix-p leanos-root (file-name-as-directory (expand-file-name dir)))
              (cons 'transient leanos-root))))

;; Connect synchronously, but never for more than 20 s.
(setq eglot-sync-connect t
      eglot-connect-timeout 20
      jsonrpc-default-request-timeout 20)

(defun leanos-emit (result)
  "Prints RESULT (an alist) as the verdict line."
  (princ (format "RESULT: %s\n" (json-encode result))))

(defun leanos-wait (predicate seconds)
  "Processes events until PREDICATE holds or SECONDS pass; returns its value."
  (let ((deadline (+ (float-time) seconds)))
    (while (and (not (funcall predicate)) (< (float-time) deadline))
      (accept-process-output nil 0.05))
    (funcall predicate)))

(defun leanos-relative (path)
  (file-relative-name (expand-file-name path) leanos-root))

(defun leanos-connect ()
  "Visits `leanos-file' at `leanos-line'/`leanos-column' and runs M-x eglot."
  (switch-to-buffer (find-file-noselect leanos-file))
  (goto-char (point-min))
  (forward-line (1- leanos-line))
  (forward-char leanos-column)
  (unless (call-interactively #'eglot)
    (error "eglot did not connect"))
  (eglot--current-server-or-lose))

(defun leanos-diagnostics ()
  "The Flymake diagnostics of the current buffer, each as ((line . N) (text . S))."
  (flymake-start)
  (mapcar (lambda (d)
            `((line . ,(line-number-at-pos (flymake-diagnostic-beg d)))
              (text . ,(flymake-diagnostic-text d))))
          (flymake-diagnostics)))

(defun leanos-scenario-diagnostics (_server)
  `((diagnostics . ,(vconcat (leanos-wait #'leanos-diagnostics 20)))))

(defun leanos-scenario-definition (_server)
  ;; As `xref-find-definitions' does (which skips the workspace/symbol prompt).
  (let* ((this-command 'xref-find-definitions)
         (start (float-time))
         (items (xref-backend-definitions 'eglot (xref-backend-identifier-at-point 'eglot))))
    `((ms . ,(round (* 1000 (- (float-time) start))))
      (definitions
       . ,(vconcat
           (mapcar (lambda (item)
                     (let ((location (xref-item-location item)))
                       `((file . ,(leanos-relative (xref-location-group location)))
                         (line . ,(xref-location-line location))
                         (column . ,(xref-file-location-column location)))))
                   items))))))

(defun leanos-scenario-hover (server)
  (let* ((hover (jsonrpc-request server :textDocument/hover (eglot--TextDocumentPositionParams)))
         (contents (plist-get hover :contents)))
    `((kind . ,(and (listp contents) (plist-get contents :kind)))
      (value . ,(if (stringp contents) contents (plist-get contents :value)))
      (shown . ,(and contents (substring-no-properties (eglot--hover-info contents)))))))

(defun leanos-scenario-completion (_server)
  (goto-char (point-max))
  (insert "Tests: ")
  (pcase-let* ((`(,_start ,_end ,table . ,_) (eglot-completion-at-point))
               (candidates (all-completions "" table)))
    `((labels . ,(vconcat
                  (mapcar (lambda (c) (plist-get (get-text-property 0 'eglot--lsp-item c) :label))
                          candidates))))))

(defun leanos-scenario-rename (server)
  (let* ((edit (jsonrpc-request server :textDocument/rename
                                (append (eglot--TextDocumentPositionParams) '(:newName "A12"))))
         files)
    (cl-loop for (uri _edits) on (plist-get edit :changes) by #'cddr
             do (push (substring (symbol-name uri) 1) files))
    (cl-loop for change across (plist-get edit :documentChanges)
             do (push (plist-get (plist-get change :textDocument) :uri) files))
    `((files . ,(vconcat (sort (mapcar (lambda (uri) (leanos-relative (eglot--uri-to-path uri))) files)
                               #'string<))))))

(defun leanos-scenario-shutdown (_server)
  ;; Once the server published something it is serving; the shutdown itself
  ;; follows for every scenario.
  `((diagnostics . ,(length (leanos-wait #'leanos-diagnostics 20)))))

(defun leanos-shutdown (server)
  "Runs `eglot-shutdown'; returns whether it returned and how the server ended.
eglot sends shutdown and exit, then jsonrpc deletes the process at once:
the server gets 5 s to exit on its own first, so its exit status shows."
  (let* ((process (jsonrpc--process server))
         (wait (lambda (shutdown &rest args)
                 (leanos-wait (lambda () (not (process-live-p process))) 5)
                 (apply shutdown args)))
         answered)
    (advice-add 'jsonrpc-shutdown :around wait)
    (setq answered (condition-case err (progn (eglot-shutdown server) t)
                     (error (error-message-string err))))
    (advice-remove 'jsonrpc-shutdown wait)
    `((answered . ,answered)
      (live . ,(if (process-live-p process) t :json-false))
      (status . ,(symbol-name (process-status process)))
      (code . ,(process-exit-status process)))))

(let ((scenario (intern-soft (concat "leanos-scenario-" leanos-scenario)))
      (code 1))
  (with-timeout (leanos-deadline
                 (leanos-emit `((error . ,(format "no result within %s s" leanos-deadline)))))
    (condition-case err
        (let* ((server (leanos-connect))
               (result (funcall scenario server))
               (shutdown (leanos-shutdown server)))
          (leanos-emit (append result `((shutdown . ,shutdown))))
          (setq code 0))
      (error (leanos-emit `((error . ,(error-message-string err))))))
    (kill-emacs code))
  (kill-emacs 1))

;;; eglot-driver.el ends here
